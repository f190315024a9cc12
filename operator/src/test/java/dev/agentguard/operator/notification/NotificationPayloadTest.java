package dev.agentguard.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.RequestRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

class NotificationPayloadTest {

    static ApprovalRequest request(String pod, List<String> command, String reason) {
        ApprovalRequest request = new ApprovalRequest();
        request.setMetadata(new ObjectMetaBuilder().withName("apr-1").withNamespace("agentguard-system")
                .withUid("uid-1").build());
        request.setSpec(new ApprovalRequestSpec(new AgentRef("team-a", "coder", pod, "pod-uid", "node-1"),
                new RequestRef("create", "", "pods", "exec", "team-a", "web", "/api/v1/namespaces/team-a/pods/web/exec",
                        command),
                "AgentPolicy/team-a/coder", "exec-needs-approval", reason, "fp", 120, 60, null));
        return request;
    }

    @Test
    void carriesTheRequestTheAgentAndTheTimes() throws Exception {
        Instant created = Instant.parse("2026-01-02T03:04:05Z");
        NotificationPayload payload = NotificationPayload.of(request("agent-0", List.of("sh", "-c", "id"), "risky"),
                created, created.plusSeconds(120), "https://agentguard.example.com/");
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(payload));

        assertThat(json.path("kind").asText()).isEqualTo("ApprovalRequestCreated");
        assertThat(json.path("apiVersion").asText()).isEqualTo("agentguard.dev/v1alpha1");
        assertThat(json.path("approvalRequest").path("namespace").asText()).isEqualTo("agentguard-system");
        assertThat(json.path("approvalRequest").path("name").asText()).isEqualTo("apr-1");
        assertThat(json.path("approvalRequest").path("uid").asText()).isEqualTo("uid-1");
        assertThat(json.path("agent").path("namespace").asText()).isEqualTo("team-a");
        assertThat(json.path("agent").path("serviceAccount").asText()).isEqualTo("coder");
        assertThat(json.path("agent").path("pod").asText()).isEqualTo("agent-0");
        assertThat(json.path("agent").path("node").asText()).isEqualTo("node-1");
        assertThat(json.path("agent").has("podUid")).isFalse();
        assertThat(json.path("request").path("verb").asText()).isEqualTo("create");
        assertThat(json.path("request").path("subresource").asText()).isEqualTo("exec");
        assertThat(json.path("request").path("command").toString()).isEqualTo("[\"sh\",\"-c\",\"id\"]");
        assertThat(json.path("policy").asText()).isEqualTo("AgentPolicy/team-a/coder");
        assertThat(json.path("rule").asText()).isEqualTo("exec-needs-approval");
        assertThat(json.path("reason").asText()).isEqualTo("risky");
        assertThat(json.path("createdAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(json.path("expiresAt").asText()).isEqualTo("2026-01-02T03:06:05Z");
        assertThat(json.path("consoleUrl").asText())
                .isEqualTo("https://agentguard.example.com/approvals/agentguard-system/apr-1");
    }

    @Test
    void noConsoleUrlWithoutABaseAndNoNullFields() throws Exception {
        Instant created = Instant.parse("2026-01-02T03:04:05Z");
        NotificationPayload payload = NotificationPayload.of(request("agent-0", null, null), created, created, null);
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(payload));
        assertThat(json.has("consoleUrl")).isFalse();
        assertThat(json.has("reason")).isFalse();
        assertThat(json.path("request").has("command")).isFalse();
    }

    @Test
    void consoleUrlPathSegmentsAreEncoded() {
        assertThat(NotificationPayload.consoleUrl("https://c.example/base", "ns", "a b/c"))
                .isEqualTo("https://c.example/base/approvals/ns/a%20b%2Fc");
        assertThat(NotificationPayload.consoleUrl(" ", "ns", "n")).isNull();
    }
}
