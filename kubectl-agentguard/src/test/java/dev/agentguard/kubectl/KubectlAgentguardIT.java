package dev.agentguard.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.AgentSessionSpec;
import dev.agentguard.api.v1alpha1.AgentSessionStatus;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.testing.apps.WebhookProcess;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.ApprovalWebhooks;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.TestTls;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The plugin against the real API server, with the packaged approvals webhook deciding who may
 * decide: approvers approve and deny as themselves (their own client certificates, no
 * impersonation), a non-approver and a second decision are refused in one line, and the plugin
 * runs through the real kubectl once installed with make install-plugin.
 */
class KubectlAgentguardIT {

    private static final String SYSTEM = AgentGuard.DEFAULT_SYSTEM_NAMESPACE;
    private static final String AGENTS = "plugin-agents";
    private static final String POLICY = "AgentPolicy/" + AGENTS + "/deletes-need-a-human";

    private static KubeApiServer cluster;
    private static KubernetesClient admin;
    private static WebhookProcess webhook;
    private static ApprovalWebhooks webhooks;
    private static Path alice;
    private static Path bob;

    @TempDir
    Path work;

    @BeforeAll
    static void clusterWithTheApprovalsWebhook() {
        cluster = KubeApiServer.shared();
        admin = cluster.admin();
        AgentGuardInstall.crds(cluster);
        TestTls tls = TestTls.issue("agentguard-webhook");
        webhook = WebhookProcess.start(cluster, tls.certificate(), tls.key(), Map.of());
        webhooks = ApprovalWebhooks.register(cluster, "https://127.0.0.1:" + webhook.port(), tls.caPem());
        // The chart's approver role, bound to both groups: RBAC lets bob try; the webhook decides.
        ok(cluster.kubectl(null, "apply", "-f", RepoFiles.find("manifests/approver-rbac.yaml").toString()));
        ok(cluster.kubectl(null, "create", "rolebinding", "plugin-approvers", "-n", SYSTEM,
                "--clusterrole=agentguard-approver", "--group=agentguard:approvers", "--group=team:devs"));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(AGENTS).endMetadata().build())
                .serverSideApply();
        ok(cluster.kubectl("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: deletes-need-a-human, namespace: %s}
                spec:
                  approval: {approverGroups: ["agentguard:approvers"]}
                  rules:
                    - {name: approve-deletes, action: RequireApproval, verbs: [delete], resources: [deployments]}
                """.formatted(AGENTS), "apply", "-f", "-"));
        alice = cluster.userKubeconfig("alice", "agentguard:approvers");
        bob = cluster.userKubeconfig("bob", "team:devs");
    }

    @AfterAll
    static void stop() {
        webhooks.close();
        webhook.close();
    }

    @Test
    void approvalsListsWhatEachPendingRequestAsksForAndWhy() {
        String name = held("reports");

        InProcess list = plugin(alice, "approvals");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("NAME", "AGENT", "REQUEST", "LEFT");
        String row = list.out().lines().filter(l -> l.startsWith(name)).findFirst().orElseThrow();
        assertThat(row).contains(AGENTS + "/agent", "delete deployments/reports -n " + AGENTS, "approve-deletes",
                "Pending");
    }

    @Test
    void anApproverApprovesAsHerselfAndTheRequestLeavesThePendingList() {
        String name = held("billing");

        InProcess approve = plugin(alice, "approve", name, "-m", "billing is retired");

        assertThat(approve.exitCode()).as(approve.err()).isZero();
        assertThat(approve.out().trim()).isEqualTo("approvalrequest/" + name + " approved");
        ApprovalRequest decided = request(name);
        assertThat(decided.getStatus().phase()).isEqualTo(ApprovalPhase.Approved);
        assertThat(decided.getStatus().decidedBy()).as("from her certificate, not from the body").isEqualTo("alice");
        assertThat(decided.getStatus().message()).isEqualTo("billing is retired");
        assertThat(plugin(alice, "approvals").out()).doesNotContain(name);
        assertThat(plugin(alice, "approvals", "-A").out()).contains(name).containsPattern("Approved +alice");
    }

    @Test
    void anApproverDenies() {
        String name = held("ledger");

        InProcess deny = plugin(alice, "deny", name, "-m", "not during the audit");

        assertThat(deny.exitCode()).as(deny.err()).isZero();
        assertThat(deny.out().trim()).isEqualTo("approvalrequest/" + name + " denied");
        assertThat(request(name).getStatus().phase()).isEqualTo(ApprovalPhase.Denied);
    }

    @Test
    void aNonApproverIsRefusedInOneLineAndTheRequestStaysPending() {
        String name = held("payroll");

        InProcess approve = plugin(bob, "approve", name);

        assertThat(approve.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(approve.err().lines()).singleElement().asString().startsWith("error: ")
                .contains("bob", "is not an approver for " + POLICY);
        assertThat(request(name).getStatus()).isNull();
    }

    @Test
    void aSecondDecisionAndAnUnknownNameAreOneClearLineEach() {
        String name = held("archive");
        assertThat(plugin(alice, "deny", name).exitCode()).isZero();

        InProcess again = plugin(alice, "approve", name);
        InProcess unknown = plugin(alice, "approve", "no-such-request");

        assertThat(again.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(again.err().lines()).singleElement().asString()
                .isEqualTo("error: approvalrequest " + name + " is already Denied by alice; a decision is final");
        assertThat(request(name).getStatus().phase()).isEqualTo(ApprovalPhase.Denied);
        assertThat(unknown.err().trim()).isEqualTo("error: approvalrequest no-such-request not found in " + SYSTEM);
    }

    @Test
    void sessionsListsWhatAgentsRanAndFiltersTheBlockedOnes() {
        String quiet = session(List.of());
        String blocked = session(List.of("pg_dump orders"));

        InProcess all = plugin(alice, "sessions", "-n", AGENTS);
        InProcess onlyBlocked = plugin(alice, "sessions", "-n", AGENTS, "--blocked");

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains(quiet, blocked, AGENTS + "/postgres", "sh -c psql");
        assertThat(onlyBlocked.out()).contains(blocked).doesNotContain(quiet);
    }

    /** Installed as a user would install it, and run by kubectl itself as a plugin. */
    @Test
    void kubectlRunsTheInstalledPluginAndItWatchesForNewRequests() throws Exception {
        Path prefix = work.resolve("prefix");
        Process install = new ProcessBuilder("make", "--no-print-directory", "install-plugin", "PREFIX=" + prefix)
                .directory(RepoFiles.find("Makefile").getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("install.log").toFile()).start();
        assertThat(install.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(install.exitValue()).as(Files.readString(work.resolve("install.log"))).isZero();

        Path output = work.resolve("watch.out");
        ProcessBuilder watch = new ProcessBuilder(KubeApiServer.kubectlBinary().toString(), "agentguard",
                "approvals", "--watch", "--kubeconfig", alice.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        watch.environment().put("PATH", prefix.resolve("bin") + ":" + System.getenv("PATH"));
        Process watching = watch.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(output).contains("NAME"));
            String name = held("watched");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(output).contains(name));
            assertThat(Files.readString(output)).contains("delete deployments/watched -n " + AGENTS);
        } finally {
            watching.destroy();
            watching.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // --- fixtures ---

    private static InProcess plugin(Path kubeconfig, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        return InProcess.run(all.toArray(String[]::new));
    }

    /** A request as the proxy writes it when the policy's rule holds a delete of {@code deployment}. */
    private static String held(String deployment) {
        ApprovalRequest request = new ApprovalRequest();
        request.setMetadata(new ObjectMetaBuilder().withGenerateName("agent-").withNamespace(SYSTEM)
                .addToLabels(AgentGuard.GROUP + "/agent-namespace", AGENTS).build());
        request.setSpec(new ApprovalRequestSpec(new AgentRef(AGENTS, "agent", "agent", UUID.randomUUID().toString(),
                "node-1"), new RequestRef("delete", "apps", "deployments", null, AGENTS, deployment,
                        "/apis/apps/v1/namespaces/" + AGENTS + "/deployments/" + deployment, null),
                POLICY, "approve-deletes", "deletes need a human", "f" + UUID.randomUUID().toString().replace("-", ""),
                300, 900, null));
        return admin.resources(ApprovalRequest.class).inNamespace(SYSTEM).resource(request).create().getMetadata()
                .getName();
    }

    private static String session(List<String> blockedCommands) {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withGenerateName("agent-").withNamespace(SYSTEM)
                .addToLabels(AgentGuard.GROUP + "/agent-namespace", AGENTS).build());
        session.setSpec(new AgentSessionSpec(new AgentRef(AGENTS, "agent", "agent", UUID.randomUUID().toString(),
                "node-1"), new RequestRef("create", "", "pods", "exec", AGENTS, "postgres",
                        "/api/v1/namespaces/" + AGENTS + "/pods/postgres/exec", List.of("sh", "-c", "psql")),
                "postgres", false, "node-1", java.time.Instant.now().toString()));
        AgentSession created = admin.resources(AgentSession.class).inNamespace(SYSTEM).resource(session).create();
        created.setStatus(new AgentSessionStatus("Completed", null, 1L, 0, 0L, 10L, blockedCommands, null, null,
                "sha256:" + "ab".repeat(32), false));
        admin.resources(AgentSession.class).inNamespace(SYSTEM).resource(created).updateStatus();
        return created.getMetadata().getName();
    }

    private static ApprovalRequest request(String name) {
        return admin.resources(ApprovalRequest.class).inNamespace(SYSTEM).withName(name).get();
    }

    private static void ok(KubeApiServer.KubectlResult result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }
}
