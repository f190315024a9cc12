package dev.agentguard.console.sessions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.jboss.resteasy.reactive.RestPath;

import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.console.ConsoleConfig;
import dev.agentguard.console.kube.ApiRefusal;
import dev.agentguard.console.kube.UserClients;
import dev.agentguard.console.web.Viewer;
import dev.agentguard.recordings.Asciicast;
import dev.agentguard.recordings.ControlSequences;
import dev.agentguard.recordings.RecordingClient;
import dev.agentguard.recordings.RecordingException;
import dev.agentguard.recordings.Verification;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

/**
 * One session: replayed in the browser, its chain verification, and its recording to download.
 * The recording comes from the proxy of the node the session ran on, through that proxy's
 * authenticated endpoint and with the viewer's own token: the proxy asks the API server whether
 * this human may read it ({@code get agentsessions/recording}).
 */
@Path("/sessions/{name}")
@Blocking
public class RecordingsResource {

    private static final String NAME = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance replay(String user, SessionRow session, Verification verification, String error);
    }

    private final UserClients clients;
    private final ConsoleConfig config;
    private final Viewer viewer;

    public RecordingsResource(UserClients clients, ConsoleConfig config, Viewer viewer) {
        this.clients = clients;
        this.config = config;
        this.viewer = viewer;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@RestPath String name) {
        if (!name.matches(NAME)) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        try (KubernetesClient client = clients.as(viewer.token())) {
            AgentSession session = client.resources(AgentSession.class).inNamespace(config.systemNamespace())
                    .withName(name).get();
            if (session == null) {
                return Response.status(Response.Status.NOT_FOUND)
                        .entity(Templates.replay(viewer.name(), null, null, "no session " + name)).build();
            }
            SessionRow row = SessionRows.row(session);
            try {
                Verification verification = new RecordingClient(client, config.systemNamespace())
                        .verification(name, viewer.token());
                return Response.ok(Templates.replay(viewer.name(), row, verification, null)).build();
            } catch (RecordingException e) {
                return Response.ok(Templates.replay(viewer.name(), row, null,
                        "cannot verify the recording: " + e.getMessage())).build();
            }
        } catch (KubernetesClientException e) {
            return Response.status(e.getCode() > 0 ? e.getCode() : 502)
                    .entity(Templates.replay(viewer.name(), null, null, ApiRefusal.message(e))).build();
        }
    }

    /** The asciicast v2 file as recorded: what the player loads, and the download. */
    @GET
    @Path("recording.cast")
    public Response cast(@RestPath String name) {
        if (!name.matches(NAME)) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        return recording(name, in -> out -> in.transferTo(out), "application/x-asciicast", name + ".cast");
    }

    /** What the agent saw, as plain text: output events only, terminal control sequences removed. */
    @GET
    @Path("recording.txt")
    public Response text(@RestPath String name) {
        if (!name.matches(NAME)) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        return recording(name, in -> {
            String text = plainText(in);
            return out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }, MediaType.TEXT_PLAIN + ";charset=utf-8", name + ".txt");
    }

    /** The plain output of a recording, for download and for the sessions page's text search. */
    static String plainText(InputStream in) {
        StringBuilder text = new StringBuilder();
        try {
            Asciicast.read(in, event -> {
                if ("o".equals(event.code())) {
                    text.append(event.data());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ControlSequences.plain(text.toString());
    }

    private interface Body {
        StreamingOutput from(InputStream in) throws IOException;
    }

    private Response recording(String name, Body body, String type, String filename) {
        KubernetesClient client = clients.as(viewer.token());
        InputStream in;
        try {
            in = new RecordingClient(client, config.systemNamespace()).fetch(name, viewer.token());
        } catch (RecordingException e) {
            client.close();
            int status = e.status() > 0 ? e.status() : 502;
            return Response.status(status).type(MediaType.TEXT_PLAIN).entity(e.getMessage()).build();
        }
        try {
            StreamingOutput output = body.from(in);
            StreamingOutput closing = out -> {
                try (in; client) {
                    output.write(out);
                }
            };
            return Response.ok(closing, type).header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
                    .header("Cache-Control", "no-store").build();
        } catch (IOException | UncheckedIOException e) {
            client.close();
            return Response.status(502).type(MediaType.TEXT_PLAIN).entity("cannot read the recording: " + e.getMessage())
                    .build();
        }
    }
}
