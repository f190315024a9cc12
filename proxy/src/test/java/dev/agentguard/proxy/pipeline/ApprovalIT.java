package dev.agentguard.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.StepUp;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeApiServer.KubectlResult;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Just-in-time approval end to end: the agent's kubectl is held while an
 * ApprovalRequest waits in agentguard-system; a human approver's decision
 * releases or refuses it; silence refuses it when the policy's wait runs out.
 */
@QuarkusTest
@QuarkusTestResource(value = ProxyTestResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalIT {

    private static final String NS = "approving-agents";

    private KubeApiServer cluster;
    private AgentFixture fixture;
    private Path agent;
    private Approver approver;

    @BeforeAll
    void agentPolicyAndApprover() throws IOException {
        cluster = KubeApiServer.shared();
        fixture = AgentFixture.create(NS);
        agent = fixture.kubeconfig();
        ok(cluster.kubectl("""
                apiVersion: v1
                kind: Secret
                metadata: {name: vault, namespace: %1$s}
                stringData: {key: value}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: vault-two, namespace: %1$s}
                stringData: {key: value}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cache, namespace: %1$s}
                ---
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: vault-needs-a-human, namespace: %1$s}
                spec:
                  rules:
                    - name: approve-vault-reads
                      action: RequireApproval
                      verbs: [get]
                      resources: [secrets]
                      names: ["vault*"]
                      reason: vault credentials are read only with a human's consent
                  approval: {waitSeconds: 60, grantTTLSeconds: 600, stepUp: {maxAgeSeconds: 300, acrValues: [gold]}}
                ---
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: cache-needs-a-quick-human, namespace: %1$s}
                spec:
                  rules:
                    - {name: approve-cache, action: RequireApproval, verbs: [get], resources: [configmaps], names: [cache]}
                  approval: {waitSeconds: 2}
                ---
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: new-configmaps-need-a-human, namespace: %1$s}
                spec:
                  rules:
                    - {name: approve-configmap-creation, action: RequireApproval, verbs: [create], resources: [configmaps]}
                  approval: {waitSeconds: 60, grantTTLSeconds: 600}
                """.formatted(NS), "apply", "-f", "-"));
        approver = Approver.alice(cluster);
    }

    @AfterAll
    void stop() throws InterruptedException {
        approver.close();
        fixture.close();
    }

    @Test
    void anApprovedRequestProceedsAndItsGrantCoversTheSameRequest() throws Exception {
        Path output = Files.createTempFile("held", ".out");
        Process held = cluster.startKubectl(agent, output, "get", "secret", "vault", "-n", NS, "-o", "name");

        ApprovalRequest request = awaitRequestFor("vault");
        assertThat(held.isAlive()).as("the agent's request is held").isTrue();
        assertThat(request.getSpec().agent().serviceAccount()).isEqualTo("agent");
        assertThat(request.getSpec().agent().pod()).isEqualTo("agent");
        assertThat(request.getSpec().request().verb()).isEqualTo("get");
        assertThat(request.getSpec().rule()).isEqualTo("approve-vault-reads");
        assertThat(request.getSpec().policy()).isEqualTo("AgentPolicy/" + NS + "/vault-needs-a-human");
        assertThat(request.getSpec().reason()).isEqualTo("vault credentials are read only with a human's consent");
        // Copied, so loosening the policy cannot relax a pending request (the webhook enforces it).
        assertThat(request.getSpec().stepUp()).isEqualTo(new StepUp(300, List.of("gold")));

        decide(request, ApprovalPhase.Approved, "looks fine");

        assertThat(held.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(held.exitValue()).as(Files.readString(output)).isZero();
        assertThat(Files.readString(output)).contains("secret/vault");

        // Within the grant TTL the same request needs no new approval.
        ok(cluster.kubectlWith(agent, null, "get", "secret", "vault", "-n", NS));
        assertThat(requestsFor("vault")).hasSize(1);
    }

    @Test
    void aDeniedRequestIsRefusedNamingTheApprovalRequest() throws Exception {
        Path output = Files.createTempFile("held", ".out");
        Process held = cluster.startKubectl(agent, output, "get", "secret", "vault-two", "-n", NS);

        ApprovalRequest request = awaitRequestFor("vault-two");
        decide(request, ApprovalPhase.Denied, "not today");

        assertThat(held.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(held.exitValue()).isNotZero();
        assertThat(Files.readString(output)).contains("Error from server (Forbidden)")
                .contains("rule approve-vault-reads requires approval for get")
                .contains("denied in approvalrequest agentguard-system/" + request.getMetadata().getName())
                .contains("by alice: not today");
    }

    @Test
    void aRequestNobodyDecidesIsRefusedWhenThePolicysWaitEnds() {
        KubectlResult result = cluster.kubectlWith(agent, null, "get", "configmap", "cache", "-n", NS);

        assertThat(result.exitCode()).isNotZero();
        String name = requestsFor("cache").get(0).getMetadata().getName();
        assertThat(result.stderr()).contains("Error from server (Forbidden)")
                .contains("not approved within 2s: approvalrequest agentguard-system/" + name + " is still pending");
    }

    @Test
    void aRequestTheAgentAbandonsIsNotCarriedOutWhenApprovedLater() throws Exception {
        Path output = Files.createTempFile("abandoned", ".out");
        Process held = cluster.startKubectl(agent, output, "create", "configmap", "left-behind", "-n", NS);
        ApprovalRequest abandoned = approver.awaitRequest(NS, r -> "create".equals(r.getSpec().request().verb()));
        held.destroyForcibly().waitFor();

        // The audit event says nobody was answered, not the 200 of an unwritten response.
        JsonNode event = await().atMost(Duration.ofSeconds(30)).until(() -> auditEvents()
                .filter(e -> "create".equals(e.at("/verb").asText())
                        && "configmaps".equals(e.at("/objectRef/resource").asText()))
                .findFirst().orElse(null), java.util.Objects::nonNull);
        assertThat(event.has("responseStatus")).as(event.toString()).isFalse();
        assertThat(event.at("/annotations/agentguard.dev~1outcome").asText())
                .isEqualTo("agent disconnected before a response");

        decide(abandoned, ApprovalPhase.Approved, "too late");
        // The same create again: it succeeds only if the abandoned one never reached the API
        // server. Whether the proxy has seen the approval yet or holds it anew, it must create.
        Process again = cluster.startKubectl(agent, output, "create", "configmap", "left-behind", "-n", NS);
        await().atMost(Duration.ofSeconds(30)).until(() -> !again.isAlive() || approver.requests(NS,
                r -> "create".equals(r.getSpec().request().verb())).size() > 1);
        approver.requests(NS, r -> "create".equals(r.getSpec().request().verb()) && r.getStatus() == null)
                .forEach(r -> decide(r, ApprovalPhase.Approved, "now"));
        assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(Files.readString(output)).isZero();
    }

    private static java.util.stream.Stream<JsonNode> auditEvents() throws IOException {
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(ProxyTestResource.auditFile).stream().filter(line -> !line.isBlank())
                .map(line -> {
                    try {
                        return json.readTree(line);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
    }

    private void decide(ApprovalRequest request, ApprovalPhase phase, String message) {
        approver.decide(request, phase, message);
    }

    private ApprovalRequest awaitRequestFor(String name) {
        return approver.awaitRequest(NS, r -> name.equals(r.getSpec().request().name()));
    }

    private List<ApprovalRequest> requestsFor(String name) {
        return approver.requests(NS, r -> name.equals(r.getSpec().request().name()));
    }

    private static KubectlResult ok(KubectlResult result) {
        assertThat(result.exitCode()).as("kubectl failed: %s", result.stderr()).isZero();
        return result;
    }
}
