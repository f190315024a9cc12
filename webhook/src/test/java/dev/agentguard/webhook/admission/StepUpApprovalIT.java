package dev.agentguard.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.api.v1alpha1.StepUp;
import dev.agentguard.testing.apps.WebhookProcess;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.ApprovalWebhooks;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeApiServer.KubectlResult;
import dev.agentguard.testing.kube.Kubeconfig;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.TestTls;
import dev.agentguard.testing.oidc.Keycloak;
import dev.agentguard.testing.oidc.Tokens;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Step-up for approving, end to end: a real Keycloak, a real kube-apiserver trusting it with the
 * documented claim mappings (auth_time and acr into user extra), and the packaged webhook. Alice
 * approves with kubectl and her own ID token; only the token decides whether her login is fresh or
 * strong enough.
 */
class StepUpApprovalIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYSTEM = AgentGuard.DEFAULT_SYSTEM_NAMESPACE;
    private static final String AGENTS = "agents";
    private static final String APPROVERS = "agentguard:approvers";

    private static Keycloak keycloak;
    private static KubeApiServer cluster;
    private static WebhookProcess webhook;
    private static ApprovalWebhooks webhooks;
    private static KubernetesClient admin;
    private static Path dir;

    @BeforeAll
    static void start() throws IOException {
        keycloak = Keycloak.start();
        cluster = KubeApiServer.startTrusting(keycloak.issuer());
        admin = cluster.admin();
        dir = Files.createTempDirectory("step-up-it");
        AgentGuardInstall.crds(cluster);
        TestTls tls = TestTls.issue("agentguard-webhook");
        webhook = WebhookProcess.start(cluster, tls.certificate(), tls.key(), Map.of());
        webhooks = ApprovalWebhooks.register(cluster, "https://127.0.0.1:" + webhook.port(), tls.caPem());
        ok(cluster.kubectl(null, "apply", "-f", RepoFiles.find("manifests/approver-rbac.yaml").toString()));
        ok(cluster.kubectl(null, "create", "rolebinding", "step-up-approvers", "-n", SYSTEM,
                "--clusterrole=agentguard-approver", "--group=" + APPROVERS));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(AGENTS).endMetadata().build())
                .serverSideApply();
        policy("fresh-login", "maxAgeSeconds: 3600");
        policy("very-fresh-login", "maxAgeSeconds: 1");
        policy("gold-login", "acrValues: [gold]");
        policy("password-login", "acrValues: [\"1\"]");
        // The API server loads the issuer's keys in the background once it is up.
        String probe = keycloak.passwordGrant("alice", "alice-test-password", Keycloak.TEST_CLIENT).accessToken();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> kubectlAs(probe, "auth", "whoami").exitCode() == 0);
    }

    @AfterAll
    static void stop() {
        if (webhooks != null) {
            webhooks.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    void aFreshLoginApprovesAsHerself() {
        String name = pending("fresh-login", new StepUp(3600, null));
        KubectlResult result = decide(name, keycloak.browserLogin("alice", "alice-test-password").idToken(), "Approved");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(status(name).phase()).isEqualTo(ApprovalPhase.Approved);
        assertThat(status(name).decidedBy()).isEqualTo("oidc:alice");
    }

    @Test
    void aLoginOlderThanMaxAgeIsRefusedButMayStillDeny() throws IOException {
        String name = pending("very-fresh-login", new StepUp(1, null));
        String token = keycloak.browserLogin("alice", "alice-test-password").idToken();
        long authTime = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).path("auth_time").asLong();
        assertThat(authTime).isPositive();
        // Not a sleep: wait until the clock has passed the 1 s the policy allows.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Instant.now().getEpochSecond() >= authTime + 2);

        KubectlResult refused = decide(name, token, "Approved");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("agentguard refused ApprovalRequest " + name
                + ": this policy requires a login within 1s to approve; your login is ")
                .containsPattern("your login is [0-9]+s old; log in again \\(max_age=1\\)");
        assertThat(status(name)).isNull();

        KubectlResult denied = decide(name, token, "Denied");
        assertThat(denied.exitCode()).as(denied.stderr()).isZero();
        assertThat(status(name).phase()).isEqualTo(ApprovalPhase.Denied);
    }

    @Test
    void aTokenWithoutALoginTimeCannotApprove() {
        // Keycloak records no login time for a password grant; the admin's client certificate has none either.
        String name = pending("fresh-login", new StepUp(3600, null));
        KubectlResult password = decide(name,
                keycloak.passwordGrant("alice", "alice-test-password", Keycloak.TEST_CLIENT).idToken(), "Approved");
        assertThat(password.stderr()).contains("this policy requires a login within 3600s to approve; your"
                + " credentials carry no login time (OIDC auth_time)");
        KubectlResult certificate = cluster.kubectl(null, patch(name, "Approved"));
        assertThat(certificate.exitCode()).isNotZero();
        assertThat(certificate.stderr()).contains("your credentials carry no login time (OIDC auth_time)");
        assertThat(status(name)).isNull();
    }

    @Test
    void theAcrMustBeOneThePolicyAccepts() {
        String token = keycloak.browserLogin("alice", "alice-test-password").idToken();
        String gold = pending("gold-login", new StepUp(null, List.of("gold")));
        KubectlResult refused = decide(gold, token, "Approved");
        assertThat(refused.stderr()).contains("this policy requires a login with acr gold to approve; your login has"
                + " acr 1: log in again with a stronger method (acr_values=gold)");
        assertThat(status(gold)).isNull();

        String one = pending("password-login", new StepUp(null, List.of("1")));
        KubectlResult approved = decide(one, token, "Approved");
        assertThat(approved.exitCode()).as(approved.stderr()).isZero();
        assertThat(status(one).decidedBy()).isEqualTo("oidc:alice");
    }

    @Test
    void thePoliciesCurrentRequirementAppliesTooWhenItIsStricterThanTheCopy() {
        // Created before the policy asked for gold (nothing copied): the policy's requirement now still holds.
        String name = pending("gold-login", null);
        KubectlResult refused = decide(name, keycloak.browserLogin("alice", "alice-test-password").idToken(),
                "Approved");
        assertThat(refused.stderr()).contains("requires a login with acr gold to approve");
        assertThat(status(name)).isNull();
    }

    private static void policy(String name, String stepUp) {
        ok(cluster.kubectl("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  approval:
                    approverGroups: ["%s"]
                    stepUp: {%s}
                  rules:
                    - {name: approve-deletes, action: RequireApproval, verbs: [delete], resources: [deployments]}
                """.formatted(name, AGENTS, APPROVERS, stepUp), "apply", "-f", "-"));
    }

    /** As the proxy creates it: the policy's step-up copied into the spec. */
    private static String pending(String policy, StepUp stepUp) {
        ApprovalRequest request = new ApprovalRequest();
        request.setMetadata(new ObjectMetaBuilder().withName("apr-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace(SYSTEM).build());
        request.setSpec(new ApprovalRequestSpec(new AgentRef(AGENTS, "agent", "agent-0", null, null),
                new RequestRef("delete", "apps", "deployments", null, AGENTS, "web",
                        "/apis/apps/v1/namespaces/" + AGENTS + "/deployments/web", null),
                "AgentPolicy/" + AGENTS + "/" + policy, "approve-deletes", null, "fp-" + UUID.randomUUID(), 300, 900,
                stepUp));
        return admin.resources(ApprovalRequest.class).resource(request).create().getMetadata().getName();
    }

    private static KubectlResult decide(String name, String token, String phase) {
        return kubectlAs(token, patch(name, phase));
    }

    private static String[] patch(String name, String phase) {
        return new String[] {"patch", "approvalrequest", name, "-n", SYSTEM, "--subresource=status", "--type=merge",
                "-p", "{\"status\":{\"phase\":\"" + phase + "\"}}"};
    }

    private static KubectlResult kubectlAs(String token, String... args) {
        try {
            Path kubeconfig = Files.createTempFile(dir, "user", ".kubeconfig");
            Files.writeString(kubeconfig, Kubeconfig.withToken(cluster.adminConfig().getMasterUrl(),
                    cluster.caCertificatePem(), token), StandardCharsets.UTF_8);
            return cluster.kubectlWith(kubeconfig, null, args);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ApprovalRequestStatus status(String name) {
        return admin.resources(ApprovalRequest.class).inNamespace(SYSTEM).withName(name).get().getStatus();
    }

    private static void ok(KubectlResult result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }
}
