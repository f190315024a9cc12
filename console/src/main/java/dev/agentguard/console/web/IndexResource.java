package dev.agentguard.console.web;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** The console opens on the approvals page: what an approver comes for. */
@Path("/")
public class IndexResource {

    @GET
    public Response index() {
        return Response.seeOther(URI.create("/approvals")).build();
    }
}
