package dev.agentguard.console.sessions;

import java.time.Instant;
import java.util.ArrayList;
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
import dev.agentguard.recordings.RecordingClient;
import dev.agentguard.recordings.RecordingException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

/**
 * The sessions page: what agents ran through exec, newest first, as far as the viewer may list.
 * The proxies file every AgentSession in the system namespace; the namespace filter is the agent's.
 */
@Path("/sessions")
@Blocking
public class SessionsResource {

    /** A text search reads each recording from its proxy: at most this many, newest first. */
    static final int MAX_SEARCHED = 50;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance sessions(String user, SessionFilter filter, List<SessionRow> rows,
                String notice, String error);
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
            @RestQuery boolean incomplete, @RestQuery String since, @RestQuery String text) {
        SessionFilter filter = new SessionFilter(namespace, agent, blocked, incomplete, since, text);
        Instant earliest;
        try {
            earliest = filter.earliest(Instant.now());
        } catch (IllegalArgumentException e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Templates.sessions(viewer.name(), filter, List.of(), null, e.getMessage())).build();
        }
        try (KubernetesClient client = clients.as(viewer.token())) {
            List<AgentSession> sessions = client.resources(AgentSession.class).inNamespace(config.systemNamespace())
                    .list().getItems().stream()
                    .filter(s -> filter.matches(s, earliest))
                    .sorted(Comparator.comparing((AgentSession s) -> s.getMetadata().getCreationTimestamp()).reversed())
                    .limit(config.sessionLimit())
                    .toList();
            if (!filter.searches()) {
                return Response.ok(Templates.sessions(viewer.name(), filter,
                        sessions.stream().map(SessionRows::row).toList(), null, null)).build();
            }
            return search(client, filter, sessions);
        } catch (KubernetesClientException e) {
            return Response.status(e.getCode() > 0 ? e.getCode() : 502)
                    .entity(Templates.sessions(viewer.name(), filter, List.of(), null,
                            "cannot list sessions: " + ApiRefusal.message(e))).build();
        }
    }

    /** Keeps the sessions whose recorded output contains the text (case-insensitive). */
    private Response search(KubernetesClient client, SessionFilter filter, List<AgentSession> sessions) {
        RecordingClient recordings = new RecordingClient(client, config.systemNamespace());
        String needle = filter.text().strip().toLowerCase(java.util.Locale.ROOT);
        List<SessionRow> found = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (AgentSession session : sessions.stream().limit(MAX_SEARCHED).toList()) {
            String name = session.getMetadata().getName();
            try (var in = recordings.fetch(name, viewer.token())) {
                if (RecordingsResource.plainText(in).toLowerCase(java.util.Locale.ROOT).contains(needle)) {
                    found.add(SessionRows.row(session));
                }
            } catch (RecordingException | java.io.IOException | java.io.UncheckedIOException e) {
                unreadable.add(name + " (" + e.getMessage() + ")");
            }
        }
        String notice = "searched " + Math.min(sessions.size(), MAX_SEARCHED) + " recordings"
                + (sessions.size() > MAX_SEARCHED ? " (the newest " + MAX_SEARCHED + "; narrow the filters for older ones)" : "");
        String error = unreadable.isEmpty() ? null : "could not read " + unreadable.size() + " recordings: "
                + String.join("; ", unreadable);
        return Response.ok(Templates.sessions(viewer.name(), filter, found, notice, error)).build();
    }
}
