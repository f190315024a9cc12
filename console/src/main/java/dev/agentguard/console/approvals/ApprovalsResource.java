package dev.agentguard.console.approvals;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestStreamElementType;

import dev.agentguard.api.approval.ApprovalDecisions;
import dev.agentguard.api.approval.ApprovalDecisions.DecisionException;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.StepUp;
import dev.agentguard.console.ConsoleConfig;
import dev.agentguard.console.kube.ApiRefusal;
import dev.agentguard.console.kube.UserClients;
import dev.agentguard.console.web.Viewer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.oidc.OidcSession;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;

/**
 * The approvals page: pending requests, live, and the decided ones. Rows are read and
 * decisions made with the viewer's own token (see {@link UserClients}).
 */
@Path("/approvals")
@Blocking
public class ApprovalsResource {

    private static final Logger LOG = Logger.getLogger(ApprovalsResource.class);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance approvals(String user, List<ApprovalRow> rows, String notice, String error);

        static native TemplateInstance approvals$rows(List<ApprovalRow> rows);
    }

    private final UserClients clients;
    private final ConsoleConfig config;
    private final ApprovalEvents events;
    private final Viewer viewer;
    private final OidcSession session;

    public ApprovalsResource(UserClients clients, ConsoleConfig config, ApprovalEvents events, Viewer viewer,
            OidcSession session) {
        this.clients = clients;
        this.config = config;
        this.events = events;
        this.viewer = viewer;
        this.session = session;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page() {
        return page(null, null, Response.Status.OK);
    }

    /** Where notifications link (notifications.consoleUrl): the page, at that request's row. */
    @GET
    @Path("{namespace}/{name}")
    public Response one(@RestPath String namespace, @RestPath String name) {
        if (!name.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        return Response.seeOther(URI.create("/approvals#request-" + name)).build();
    }

    /** The rows alone: what the page fetches again on each change event. */
    @GET
    @Path("rows")
    @Produces(MediaType.TEXT_HTML)
    public Response rows() {
        try {
            return Response.ok(Templates.approvals$rows(list())).build();
        } catch (KubernetesClientException e) {
            return Response.status(e.getCode() > 0 ? e.getCode() : 502).entity(ApiRefusal.message(e))
                    .type(MediaType.TEXT_PLAIN).build();
        }
    }

    /** "changed NAME" when a request appears or changes; "ping" to keep the stream open. */
    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> events() {
        return events.stream();
    }

    @POST
    @Path("{name}/approve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response approve(@RestPath String name, @RestForm String comment) {
        return decide(name, ApprovalPhase.Approved, comment);
    }

    @POST
    @Path("{name}/deny")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response deny(@RestPath String name, @RestForm String comment) {
        return decide(name, ApprovalPhase.Denied, comment);
    }

    /**
     * A fresh login for a request whose policy requires one: ends this console session (locally;
     * the provider's session stays) and sends the browser to log in again with the request's
     * max_age and acr_values, which the provider honours (quarkus.oidc.authentication.forward-params).
     * A POST with the CSRF token, so no page elsewhere can log a viewer out.
     */
    @POST
    @Path("{name}/login-again")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response loginAgain(@RestPath String name) {
        StepUp stepUp;
        try (KubernetesClient client = clients.as(viewer.token())) {
            ApprovalRequest request = client.resources(ApprovalRequest.class).inNamespace(config.systemNamespace())
                    .withName(name).get();
            if (request == null) {
                return page(null, "approvalrequest " + name + " not found", Response.Status.NOT_FOUND);
            }
            stepUp = request.getSpec().stepUp();
        } catch (KubernetesClientException e) {
            return page(null, ApiRefusal.message(e), Response.Status.fromStatusCode(e.getCode() > 0 ? e.getCode() : 502));
        }
        URI target = StepUpLogin.uri(name, stepUp);
        LOG.infof("%s logs in again for %s (%s)", viewer.name(), name, target.getRawQuery());
        session.logout().await().indefinitely();
        return Response.seeOther(target).build();
    }

    private Response decide(String name, ApprovalPhase phase, String comment) {
        String message = comment == null || comment.isBlank() ? null : comment.strip();
        try (KubernetesClient client = clients.as(viewer.token())) {
            ApprovalDecisions.decide(client, config.systemNamespace(), name, phase, message);
        } catch (DecisionException e) {
            return page(null, e.getMessage(), Response.Status.CONFLICT);
        } catch (KubernetesClientException e) {
            LOG.infof("decision %s on %s by %s refused: %s", phase, name, viewer.name(), ApiRefusal.message(e));
            return page(null, ApiRefusal.message(e), Response.Status.fromStatusCode(e.getCode() > 0 ? e.getCode() : 502));
        }
        LOG.infof("%s %s as %s", phase, name, viewer.name());
        return page("approvalrequest " + name + " " + phase.name().toLowerCase(java.util.Locale.ROOT), null, Response.Status.OK);
    }

    private Response page(String notice, String error, Response.Status status) {
        List<ApprovalRow> rows = List.of();
        String failure = error;
        try {
            rows = list();
        } catch (KubernetesClientException e) {
            failure = (error == null ? "" : error + "; ") + "cannot list approval requests: " + ApiRefusal.message(e);
        }
        return Response.status(status).entity(Templates.approvals(viewer.name(), rows, notice, failure)).build();
    }

    private List<ApprovalRow> list() {
        try (KubernetesClient client = clients.as(viewer.token())) {
            List<ApprovalRequest> items = client.resources(ApprovalRequest.class)
                    .inNamespace(config.systemNamespace()).list().getItems();
            return ApprovalRows.of(items, Instant.now(), viewer.login());
        }
    }
}
