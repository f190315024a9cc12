package dev.agentguard.operator.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.ApprovalSettings;
import dev.agentguard.api.v1alpha1.PolicySpec;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.operator.policy.PolicyBundles;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Notifications of new ApprovalRequests, created on the real API server as the proxy creates them,
 * to real HTTP receivers on a local port ({@link LocalReceivers}).
 */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = LocalReceivers.class, restrictToAnnotatedClass = true)
class NotificationIT {

    private static final String NAMESPACE = "notify-it";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Bodies received per receiver name, injected by {@link LocalReceivers}. */
    Map<String, List<String>> received;

    @Inject
    PolicyBundles policies;

    private final KubernetesClient admin = KubeApiServer.shared().admin();

    @BeforeAll
    static void namespace() {
        KubeApiServer.shared().admin().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .endMetadata().build()).serverSideApply();
    }

    @Test
    void aNewRequestReachesTheDefaultReceiverAndThoseItsPolicyNames() throws Exception {
        String policy = policy("names-slack", List.of("slack", "nosuch"));
        double unknownBefore = metric("agentguard_operator_notifications_unknown_receivers_total");
        ApprovalRequest request = admin.resource(request(policy, 300, List.of("rm", "-rf", "<!channel>"))).create();
        String uid = request.getMetadata().getUid();
        String name = request.getMetadata().getName();

        JsonNode json = JSON.readTree(Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> bodyWith("ok", uid), b -> b != null));
        assertThat(json.path("kind").asText()).isEqualTo("ApprovalRequestCreated");
        assertThat(json.path("apiVersion").asText()).isEqualTo("agentguard.dev/v1alpha1");
        assertThat(json.path("approvalRequest").path("namespace").asText()).isEqualTo("agentguard-system");
        assertThat(json.path("approvalRequest").path("name").asText()).isEqualTo(name);
        assertThat(json.path("agent").path("namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(json.path("agent").path("serviceAccount").asText()).isEqualTo("agent");
        assertThat(json.path("agent").path("pod").asText()).isEqualTo("agent-0");
        assertThat(json.path("agent").path("node").asText()).isEqualTo("node-1");
        assertThat(json.path("request").path("verb").asText()).isEqualTo("create");
        assertThat(json.path("request").path("subresource").asText()).isEqualTo("exec");
        assertThat(json.path("request").path("command").get(2).asText()).isEqualTo("<!channel>");
        assertThat(json.path("policy").asText()).isEqualTo(policy);
        assertThat(json.path("rule").asText()).isEqualTo("exec-needs-approval");
        assertThat(json.path("reason").asText()).isEqualTo("exec is risky");
        assertThat(json.path("createdAt").asText()).isEqualTo(request.getMetadata().getCreationTimestamp());
        assertThat(java.time.Instant.parse(json.path("expiresAt").asText())).isEqualTo(
                java.time.Instant.parse(request.getMetadata().getCreationTimestamp()).plusSeconds(300));
        assertThat(json.path("consoleUrl").asText()).isEqualTo("http://console.test/approvals/agentguard-system/" + name);

        String slack = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> bodyWith("slack", name), b -> b != null);
        String text = JSON.readTree(slack).path("text").asText();
        assertThat(text).contains("<http://console.test/approvals/agentguard-system/" + name + "|Open in the console>")
                .contains("&lt;!channel&gt;").doesNotContain("<!channel>");
        // The policy's unknown name is counted; the request went to the rest.
        assertThat(metric("agentguard_operator_notifications_unknown_receivers_total")).isGreaterThan(unknownBefore);
        // ...and the policy's status says which name is missing, while Ready is unaffected.
        var condition = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            AgentPolicy p = admin.resources(AgentPolicy.class).inNamespace(NAMESPACE).withName("names-slack").get();
            return p.getStatus() == null || p.getStatus().getConditions() == null ? null
                    : p.getStatus().getConditions().stream().filter(c -> c.getType().equals("NotifyReceiversKnown"))
                            .findFirst().orElse(null);
        }, c -> c != null);
        assertThat(condition.getStatus()).isEqualTo("False");
        assertThat(condition.getMessage()).contains("nosuch").doesNotContain("slack");
        // Once per request: the reconciles that follow (the expiry is rescheduled) send nothing more.
        assertThat(received.get("ok").stream().filter(b -> b.contains(uid)).count()).isEqualTo(1);
        admin.resource(request).delete();
    }

    @Test
    void aReceiverThatAnswers500IsTriedAgain() {
        String policy = policy("names-flaky", List.of("flaky"));
        double deliveredBefore = metric(outcome("flaky", "delivered"));
        ApprovalRequest request = admin.resource(request(policy, 300, List.of("sh"))).create();
        String uid = request.getMetadata().getUid();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> metric(outcome("flaky", "delivered")) > deliveredBefore);
        // The first attempt was answered 500, the second 200: the same body twice.
        List<String> attempts = received.get("flaky").stream().filter(b -> b.contains(uid)).toList();
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0)).isEqualTo(attempts.get(1));
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("agentguard_operator_notifications_delivery_seconds_count\\{[^}]*receiver=\"flaky\"");
        admin.resource(request).delete();
    }

    @Test
    void failingAndHangingReceiversDoNotDelayExpiry() {
        String policy = policy("names-broken", List.of("fail", "hang"));
        double failedBefore = metric(outcome("fail", "failed"));
        double hangFailedBefore = metric(outcome("hang", "failed"));
        // Held 1s, then Expired after the test profile's 1s grace.
        ApprovalRequest request = admin.resource(request(policy, 1, List.of("sh"))).create();
        String uid = request.getMetadata().getUid();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> bodyWith("hang", uid) != null);
        ApprovalRequest expired = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.resources(ApprovalRequest.class).inNamespace("agentguard-system")
                        .withName(request.getMetadata().getName()).get(),
                        r -> r == null || r.getStatus() != null && r.getStatus().phase() == ApprovalPhase.Expired);
        // Expired (or already deleted after it), while the hanging receiver has still not answered
        // its first attempt: the expiry did not wait for the delivery.
        assertThat(expired == null || expired.getStatus().phase() == ApprovalPhase.Expired).isTrue();
        assertThat(metric(outcome("hang", "failed"))).isEqualTo(hangFailedBefore);
        assertThat(received.get("hang").stream().filter(b -> b.contains(uid)).count()).isEqualTo(1);

        // The receiver that always fails is given up on after its 3 attempts, and counted.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> metric(outcome("fail", "failed")) > failedBefore);
        assertThat(received.get("fail").stream().filter(b -> b.contains(uid)).count()).isEqualTo(3);
    }

    private String bodyWith(String receiver, String text) {
        synchronized (received.get(receiver)) {
            return received.get(receiver).stream().filter(b -> b.contains(text)).findFirst().orElse(null);
        }
    }

    /** An AgentPolicy naming these receivers, once the operator's view of policies has it. */
    private String policy(String name, List<String> notify) {
        AgentPolicy policy = new AgentPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        PolicySpec spec = new PolicySpec();
        spec.setApproval(new ApprovalSettings(null, 300, 60, notify, null));
        policy.setSpec(spec);
        admin.resource(policy).serverSideApply();
        String ref = "AgentPolicy/" + NAMESPACE + "/" + name;
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            PolicySpec seen = policies.spec(ref);
            return seen != null && seen.getApproval() != null && notify.equals(seen.getApproval().notifyReceivers());
        });
        return ref;
    }

    private static ApprovalRequest request(String policy, int waitSeconds, List<String> command) {
        ApprovalRequest request = new ApprovalRequest();
        request.setMetadata(new ObjectMetaBuilder().withName("apr-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace("agentguard-system").build());
        request.setSpec(new ApprovalRequestSpec(new AgentRef(NAMESPACE, "agent", "agent-0", "uid-0", "node-1"),
                new RequestRef("create", "", "pods", "exec", NAMESPACE, "web",
                        "/api/v1/namespaces/" + NAMESPACE + "/pods/web/exec", command),
                policy, "exec-needs-approval", "exec is risky", "fp-" + UUID.randomUUID(), waitSeconds, 60, null));
        return request;
    }

    private static String outcome(String receiver, String outcome) {
        return "agentguard_operator_notifications_total{outcome=\"" + outcome + "\",receiver=\"" + receiver + "\"}";
    }

    /** A sample's value on /q/metrics (0 when absent); {@code series} is the name, with labels in Prometheus' order. */
    private static double metric(String series) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*})? ([0-9.E+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
