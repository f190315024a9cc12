package dev.agentguard.console.sessions;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestQuery;

import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.console.ConsoleConfig;
import dev.agentguard.console.kube.ApiRefusal;
import dev.agentguard.console.kube.UserClients;
import dev.agentguard.console.web.Viewer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

/** The sessions page: what agents ran through exec, newest first, as far as the viewer may list. */
@Path("/sessions")
@Blocking
public class SessionsResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance sessions(String user, SessionFilter filter, List<SessionRow> rows, String error);
    }

    private final UserClients clients;
    private final ConsoleConfig config;
    private final Viewer viewer;

    public SessionsResource(UserClients clients, ConsoleConfig config, Viewer viewer) {
        this.clients = clients;
        this.config = config;
        this.viewer = viewer;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@RestQuery String namespace, @RestQuery String agent, @RestQuery boolean blocked,
            @RestQuery boolean incomplete, @RestQuery String since) {
        SessionFilter filter = new SessionFilter(namespace, agent, blocked, incomplete, since);
        Instant earliest;
        try {
            earliest = filter.earliest(Instant.now());
        } catch (IllegalArgumentException e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Templates.sessions(viewer.name(), filter, List.of(), e.getMessage())).build();
        }
        try (KubernetesClient client = clients.as(viewer.token())) {
            var sessions = client.resources(AgentSession.class);
            List<AgentSession> items = namespace == null || namespace.isBlank()
                    ? sessions.inAnyNamespace().list().getItems()
                    : sessions.inNamespace(namespace.strip()).list().getItems();
            List<SessionRow> rows = items.stream()
                    .filter(s -> filter.matches(s, earliest))
                    .sorted(Comparator.comparing((AgentSession s) -> s.getMetadata().getCreationTimestamp()).reversed())
                    .limit(config.sessionLimit())
                    .map(SessionsResource::row)
                    .toList();
            return Response.ok(Templates.sessions(viewer.name(), filter, rows, null)).build();
        } catch (KubernetesClientException e) {
            return Response.status(e.getCode() > 0 ? e.getCode() : 502)
                    .entity(Templates.sessions(viewer.name(), filter, List.of(),
                            "cannot list sessions: " + ApiRefusal.message(e))).build();
        }
    }

    private static SessionRow row(AgentSession session) {
        var spec = session.getSpec();
        var status = session.getStatus();
        var target = spec.target();
        String command = target == null || target.command() == null ? "" : String.join(" ", target.command());
        String targetName = target == null ? "" : (target.namespace() == null ? "" : target.namespace() + "/")
                + (target.name() == null ? "" : target.name());
        return new SessionRow(session.getMetadata().getNamespace(), session.getMetadata().getName(),
                spec.agent() == null ? "" : spec.agent().namespace() + "/" + spec.agent().serviceAccount(),
                spec.agent() == null ? null : spec.agent().pod(), spec.node(), targetName, command,
                spec.startedAt() != null ? spec.startedAt() : session.getMetadata().getCreationTimestamp(),
                status == null ? "Running" : status.phase(), status == null ? null : status.durationSeconds(),
                status == null ? null : status.exitCode(),
                status == null || status.blockedCommands() == null ? List.of() : status.blockedCommands(),
                status != null && Boolean.TRUE.equals(status.incomplete()),
                status == null ? null : status.terminationReason());
    }
}
