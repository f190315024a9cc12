package dev.agentguard.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * {@code make demo} as a newcomer runs it, then {@code make demo-down}: what it printed, what it
 * left in the cluster, and that no process of it outlives demo-down. Once with its own control
 * plane, once against an existing cluster named with {@code KUBECONFIG=} (the test's API server).
 */
class DemoIT {

    private static final long MAKE_TIMEOUT_MINUTES = 20;

    private Path demoDir;

    @AfterEach
    void demoDown() throws Exception {
        if (demoDir != null && Files.exists(demoDir)) {
            make("demo-down", "DEMO_DIR=" + demoDir);
        }
    }

    @Test
    void demoShowsMaskingBlockingAnApprovalAndAReplayAndDemoDownLeavesNoProcess() throws Exception {
        demoDir = Files.createTempDirectory("agentguard-demo-it").resolve("demo");
        Make up = make("demo", "DEMO_DIR=" + demoDir);

        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).contains("Starting a local control plane", demoDir.resolve("cluster").toString());
        printedTheSession(up.output());
        try (KubernetesClient client = client(demoDir.resolve("kubeconfig"))) {
            leftTheSessionInTheCluster(client);
        }
        Set<ProcessHandle> processes = demoProcesses();
        assertThat(processes).as("the control plane, the components and the shim").hasSizeGreaterThanOrEqualTo(8);

        Make down = make("demo-down", "DEMO_DIR=" + demoDir);

        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid))
                .as("processes of the demo alive after demo-down").isEmpty();
        assertThat(demoDir).doesNotExist();
    }

    @Test
    void demoAgainstAnExistingClusterInstallsIntoItAndDemoDownRemovesItAgain() throws Exception {
        KubeApiServer cluster = KubeApiServer.shared();
        demoDir = Files.createTempDirectory("agentguard-demo-it").resolve("existing");
        Make up = make("demo", "DEMO_DIR=" + demoDir, "KUBECONFIG=" + cluster.adminKubeconfig());

        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).contains("Using the cluster in " + cluster.adminKubeconfig())
                .doesNotContain("Starting a local control plane");
        printedTheSession(up.output());
        leftTheSessionInTheCluster(cluster.admin());
        Set<ProcessHandle> processes = demoProcesses();

        Make down = make("demo-down", "DEMO_DIR=" + demoDir);

        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)).isEmpty();
        KubernetesClient admin = cluster.admin();
        assertThat(admin.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems())
                .as("nothing left failing closed").noneMatch(c -> c.getMetadata().getName().startsWith("agentguard"));
        assertThat(admin.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems())
                .noneMatch(c -> c.getMetadata().getName().startsWith("agentguard"));
        assertThat(admin.nodes().withName("agentguard-demo").get()).as("the demo's kwok node").isNull();
        assertThat(admin.apps().deployments().inNamespace("agentguard-system").list().getItems())
                .as("the release's workloads").isEmpty();
    }

    private static void printedTheSession(String output) {
        assertThat(output).as("the install")
                .contains("helm install agentguard charts/agentguard -n agentguard-system --create-namespace")
                .contains("STATUS: deployed")
                .contains("kubectl label namespace demo agentguard.dev/inject=enabled")
                .contains("kubectl apply -f examples/policies/baseline.yaml")
                .contains("the webhook injected the agentguard-shim sidecar");
        assertThat(output).as("masking").contains("password: agentguard:masked")
                .doesNotContain("hunter2-orders-prod");
        assertThat(output).as("blocking, with the rule's reason")
                .contains("sh -c \"pg_dump -U orders orders > /tmp/orders.sql\"")
                .contains("Database dumps leave the cluster only through the backup system.");
        assertThat(output).as("the approval").contains("held: the request waits in ApprovalRequest")
                .contains("Deleting workloads or data needs a human's approval.")
                .containsPattern("alice\\$ kubectl agentguard approve agent-\\w+ -m \"reports is retired\"")
                .containsPattern("approvalrequest/agent-\\w+ approved")
                .containsPattern("Approved +alice@example.com")
                .contains("deployment.apps \"reports\" deleted")
                .contains("approved by alice@example.com");
        assertThat(output).as("the audit lines").contains("TIME     VERB")
                .containsPattern("get +/api/v1/namespaces/demo/secrets/db-credentials +200 ")
                .containsPattern("delete +/apis/apps/v1/namespaces/demo/deployments/reports +200 +RequireApproval");
        assertThat(output.substring(output.indexOf("asciinema play"))).as("the replay").contains("orders: 1042 rows")
                .contains("chain intact");
        assertThat(output).as("the next steps").contains("agentguard is running", "make demo-down");
    }

    private static void leftTheSessionInTheCluster(KubernetesClient client) {
        var pods = client.pods().inNamespace("demo");
        assertThat(pods.withName("agent").get().getSpec().getInitContainers())
                .anyMatch(c -> c.getName().equals("agentguard-shim"));
        assertThat(client.apps().deployments().inNamespace("demo").withName("reports").get())
                .as("the approved delete happened").isNull();
        List<ApprovalRequest> approvals = client.resources(ApprovalRequest.class).inNamespace("agentguard-system")
                .list().getItems();
        assertThat(approvals).singleElement().satisfies(approval -> {
            assertThat(approval.getStatus().phase()).isEqualTo(ApprovalPhase.Approved);
            assertThat(approval.getStatus().decidedBy()).as("the decider as the API server authenticated her")
                    .isEqualTo("alice@example.com");
        });
        List<AgentSession> sessions = client.resources(AgentSession.class).inNamespace("agentguard-system").list()
                .getItems();
        assertThat(sessions).as("recorded exec sessions").isNotEmpty()
                .anySatisfy(s -> assertThat(s.getStatus().digest()).isNotBlank());
    }

    /** The owner and everything it started, while the demo runs. */
    private Set<ProcessHandle> demoProcesses() throws IOException {
        long owner = Long.parseLong(Files.readString(demoDir.resolve("demo.pid")).trim());
        ProcessHandle handle = ProcessHandle.of(owner).orElseThrow(() -> new AssertionError("the demo is not running"));
        Set<ProcessHandle> processes = handle.descendants().collect(Collectors.toSet());
        processes.add(handle);
        return processes;
    }

    private static KubernetesClient client(Path kubeconfig) throws IOException {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    }

    record Make(int exitCode, String output) {
    }

    private static Make make(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("make", "--no-print-directory"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("make-demo", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(RepoFiles.find("Makefile").getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // KUBECONFIG only ever counts from make's command line; make sure the environment's is ignored.
        builder.environment().put("KUBECONFIG", "/nonexistent/kubeconfig-from-the-environment");
        Process process = builder.start();
        if (!process.waitFor(MAKE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("make " + String.join(" ", args) + " did not finish in " + MAKE_TIMEOUT_MINUTES
                    + " min:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        // Every line also goes to the test's output, for a failure's diagnosis.
        System.out.println(output);
        return new Make(process.exitValue(), output);
    }
}
