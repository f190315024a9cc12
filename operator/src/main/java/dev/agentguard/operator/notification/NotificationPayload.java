package dev.agentguard.operator.notification;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.RequestRef;

/**
 * What a JSON receiver is sent when an ApprovalRequest is created (documented in docs/approvals.md;
 * receivers parse it, so fields are only ever added). Null fields are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationPayload(String kind, String apiVersion, Ref approvalRequest, Agent agent, Request request,
        String policy, String rule, String reason, String createdAt, String expiresAt, String consoleUrl) {

    public static final String KIND = "ApprovalRequestCreated";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ref(String namespace, String name, String uid) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Agent(String namespace, String serviceAccount, String pod, String node) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Request(String verb, String apiGroup, String resource, String subresource, String namespace,
            String name, String path, List<String> command) {
    }

    /**
     * @param created   the request's creation time
     * @param expiresAt when the proxy refuses it: creation + spec.waitSeconds
     * @param consoleBase the console's base URL, or null for no link
     */
    static NotificationPayload of(ApprovalRequest request, Instant created, Instant expiresAt, String consoleBase) {
        ApprovalRequestSpec spec = request.getSpec();
        AgentRef agent = spec == null ? null : spec.agent();
        RequestRef what = spec == null ? null : spec.request();
        String namespace = request.getMetadata().getNamespace();
        String name = request.getMetadata().getName();
        return new NotificationPayload(KIND, AgentGuard.GROUP + "/" + AgentGuard.VERSION,
                new Ref(namespace, name, request.getMetadata().getUid()),
                agent == null ? null : new Agent(agent.namespace(), agent.serviceAccount(), agent.pod(), agent.node()),
                what == null ? null : new Request(what.verb(), what.apiGroup(), what.resource(), what.subresource(),
                        what.namespace(), what.name(), what.path(), what.command()),
                spec == null ? null : spec.policy(), spec == null ? null : spec.rule(),
                spec == null ? null : spec.reason(), created.toString(), expiresAt.toString(),
                consoleUrl(consoleBase, namespace, name));
    }

    /** {@code <base>/approvals/<namespace>/<name>}, or null without a base. */
    static String consoleUrl(String base, String namespace, String name) {
        if (base == null || base.isBlank()) {
            return null;
        }
        String trimmed = base.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed + "/approvals/" + segment(namespace) + "/" + segment(name);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
