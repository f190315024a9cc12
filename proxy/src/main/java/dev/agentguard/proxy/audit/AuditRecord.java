package dev.agentguard.proxy.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.request.RequestAttributes;

/**
 * What the proxy learns about one request as it goes through the chain, turned
 * into one {@code audit.k8s.io/v1} Event at the end, so SIEM pipelines that read
 * the API server's audit log read these too. Headers and bodies are never
 * recorded, so no token or secret value can end up here.
 */
public final class AuditRecord {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String auditId = UUID.randomUUID().toString();
    private final Instant received = Instant.now();
    private final String method;
    private final String uri;
    private final String sourceIp;
    private final String userAgent;
    private volatile AgentIdentity agent;
    private volatile String podUid;
    private volatile RequestAttributes attributes;
    private volatile Decision decision;
    private volatile int masked = -1;

    public AuditRecord(String method, String uri, String sourceIp, String userAgent) {
        this.method = method;
        this.uri = uri;
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
    }

    public void identified(AgentIdentity agent, String podUid) {
        this.agent = agent;
        this.podUid = podUid;
    }

    public void decided(RequestAttributes attributes, Decision decision) {
        this.attributes = attributes;
        this.decision = decision;
    }

    public void masked(int values) {
        this.masked = values;
    }

    /** The code {@link #toEvent} takes for a request the agent left before any response was sent. */
    public static final int NO_RESPONSE = 0;

    /**
     * The Event, as JSON, for a response with this status code, or {@link #NO_RESPONSE}: then the
     * Event has no responseStatus (nothing was answered) and says that the agent disconnected.
     */
    public String toEvent(int code) {
        ObjectNode event = JSON.createObjectNode()
                .put("kind", "Event")
                .put("apiVersion", "audit.k8s.io/v1")
                .put("level", "Metadata")
                .put("auditID", auditId)
                .put("stage", "ResponseComplete")
                .put("requestURI", uri)
                .put("verb", attributes != null ? attributes.verb() : method.toLowerCase());
        ObjectNode user = event.putObject("user");
        if (agent != null) {
            user.put("username", agent.userName());
            user.putArray("groups").add("system:serviceaccounts").add("system:serviceaccounts:" + agent.namespace())
                    .add("system:authenticated");
            ObjectNode extra = user.putObject("extra");
            extra.putArray("authentication.kubernetes.io/pod-name").add(agent.podName());
            extra.putArray("authentication.kubernetes.io/pod-uid").add(podUid);
        } else {
            user.put("username", "system:anonymous");
        }
        event.putArray("sourceIPs").add(sourceIp);
        if (userAgent != null) {
            event.put("userAgent", userAgent);
        }
        if (attributes != null && attributes.resourceRequest()) {
            ObjectNode ref = event.putObject("objectRef")
                    .put("resource", attributes.resource())
                    .put("apiGroup", attributes.apiGroup())
                    .put("apiVersion", attributes.apiVersion());
            putIfNotEmpty(ref, "namespace", attributes.namespace());
            putIfNotEmpty(ref, "name", attributes.name());
            putIfNotEmpty(ref, "subresource", attributes.subresource());
        }
        if (code != NO_RESPONSE) {
            event.putObject("responseStatus").put("code", code);
        }
        event.put("requestReceivedTimestamp", received.toString());
        event.put("stageTimestamp", Instant.now().toString());

        ObjectNode annotations = event.putObject("annotations");
        if (decision != null) {
            annotations.put("agentguard.dev/decision", decision.action().name());
            annotations.put("agentguard.dev/mode", decision.mode().name());
            decision.match().ifPresent(m -> annotations.put("agentguard.dev/policy", m.policy().toString())
                    .put("agentguard.dev/rule", m.rule()));
            decision.wouldHave().ifPresent(m -> annotations
                    .put("agentguard.dev/would-have", m.action().name())
                    .put("agentguard.dev/would-have-policy", m.policy().toString())
                    .put("agentguard.dev/would-have-rule", m.rule()));
        }
        annotations.put("agentguard.dev/masked", Integer.toString(Math.max(masked, 0)));
        if (code == NO_RESPONSE) {
            annotations.put("agentguard.dev/outcome", "agent disconnected before a response");
        }
        return event.toString();
    }

    private static void putIfNotEmpty(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }

    /** The decision, once made; empty for requests refused before policy (401, 400). */
    public Optional<Decision> decision() {
        return Optional.ofNullable(decision);
    }
}
