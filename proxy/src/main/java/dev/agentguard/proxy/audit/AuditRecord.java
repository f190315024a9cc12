package dev.agentguard.proxy.audit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

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

    private static final JsonFactory JSON = new JsonFactory();

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
        // Written with the streaming generator, field by field: one event per request is on the
        // hot path, and a tree per event cost allocations for nothing.
        StringWriter out = new StringWriter(768);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("kind", "Event");
            g.writeStringField("apiVersion", "audit.k8s.io/v1");
            g.writeStringField("level", "Metadata");
            g.writeStringField("auditID", auditId);
            g.writeStringField("stage", "ResponseComplete");
            g.writeStringField("requestURI", uri);
            g.writeStringField("verb", attributes != null ? attributes.verb() : method.toLowerCase(Locale.ROOT));
            writeUser(g);
            g.writeArrayFieldStart("sourceIPs");
            g.writeString(sourceIp);
            g.writeEndArray();
            if (userAgent != null) {
                g.writeStringField("userAgent", userAgent);
            }
            if (attributes != null && attributes.resourceRequest()) {
                g.writeObjectFieldStart("objectRef");
                g.writeStringField("resource", attributes.resource());
                g.writeStringField("apiGroup", attributes.apiGroup());
                g.writeStringField("apiVersion", attributes.apiVersion());
                writeIfNotEmpty(g, "namespace", attributes.namespace());
                writeIfNotEmpty(g, "name", attributes.name());
                writeIfNotEmpty(g, "subresource", attributes.subresource());
                g.writeEndObject();
            }
            if (code != NO_RESPONSE) {
                g.writeObjectFieldStart("responseStatus");
                g.writeNumberField("code", code);
                g.writeEndObject();
            }
            g.writeStringField("requestReceivedTimestamp", received.toString());
            g.writeStringField("stageTimestamp", Instant.now().toString());
            writeAnnotations(g, code);
            g.writeEndObject();
        } catch (IOException e) {
            // A StringWriter does not fail; a generator bug would.
            throw new UncheckedIOException("cannot write the audit event " + auditId, e);
        }
        return out.toString();
    }

    private void writeUser(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("user");
        if (agent != null) {
            g.writeStringField("username", agent.userName());
            g.writeArrayFieldStart("groups");
            g.writeString("system:serviceaccounts");
            g.writeString("system:serviceaccounts:" + agent.namespace());
            g.writeString("system:authenticated");
            g.writeEndArray();
            g.writeObjectFieldStart("extra");
            g.writeArrayFieldStart("authentication.kubernetes.io/pod-name");
            g.writeString(agent.podName());
            g.writeEndArray();
            g.writeArrayFieldStart("authentication.kubernetes.io/pod-uid");
            g.writeString(podUid);
            g.writeEndArray();
            g.writeEndObject();
        } else {
            g.writeStringField("username", "system:anonymous");
        }
        g.writeEndObject();
    }

    private void writeAnnotations(JsonGenerator g, int code) throws IOException {
        g.writeObjectFieldStart("annotations");
        if (decision != null) {
            g.writeStringField("agentguard.dev/decision", decision.action().name());
            g.writeStringField("agentguard.dev/mode", decision.mode().name());
            if (decision.match().isPresent()) {
                Decision.Match m = decision.match().get();
                g.writeStringField("agentguard.dev/policy", m.policy().toString());
                g.writeStringField("agentguard.dev/rule", m.rule());
            }
            if (decision.wouldHave().isPresent()) {
                Decision.Match m = decision.wouldHave().get();
                g.writeStringField("agentguard.dev/would-have", m.action().name());
                g.writeStringField("agentguard.dev/would-have-policy", m.policy().toString());
                g.writeStringField("agentguard.dev/would-have-rule", m.rule());
            }
        }
        g.writeStringField("agentguard.dev/masked", Integer.toString(Math.max(masked, 0)));
        if (code == NO_RESPONSE) {
            g.writeStringField("agentguard.dev/outcome", "agent disconnected before a response");
        }
        g.writeEndObject();
    }

    private static void writeIfNotEmpty(JsonGenerator g, String field, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeStringField(field, value);
        }
    }

    /** The decision, once made; empty for requests refused before policy (401, 400). */
    public Optional<Decision> decision() {
        return Optional.ofNullable(decision);
    }
}
