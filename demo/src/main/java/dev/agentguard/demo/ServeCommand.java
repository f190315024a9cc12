package dev.agentguard.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.agentguard.demo.cluster.DemoCluster;
import dev.agentguard.demo.cluster.ExistingCluster;
import dev.agentguard.demo.cluster.Kubectl;
import dev.agentguard.demo.cluster.LocalControlPlane;
import dev.agentguard.demo.install.ChartRelease;
import dev.agentguard.demo.install.Components;
import dev.agentguard.demo.session.AgentScenario;
import dev.agentguard.demo.session.AgentWorkspace;
import dev.agentguard.demo.session.Approver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's owner: starts the cluster, installs the chart, runs the components and the agent's
 * session, then keeps it all running until SIGTERM (make demo-down), when it stops everything it
 * started in reverse order. {@link UpCommand} starts it and prints its output.
 */
@Command(name = "serve", hidden = true, description = "Run the demo in the foreground until SIGTERM.")
final class ServeCommand implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofSeconds(180);

    @Option(names = "--dir", required = true)
    Path dir;

    @Option(names = "--kubeconfig")
    Path kubeconfig;

    @Option(names = "--colour")
    boolean colour;

    /** What was started, most recent first; closed by the shutdown hook. */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    @Override
    public Integer call() throws Exception {
        DemoDirectory demo = new DemoDirectory(dir);
        demo.write(demo.pidFile(), Long.toString(ProcessHandle.current().pid()));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "demo-shutdown"));
        Narrator out = new Narrator(System.out, colour);
        try {
            run(demo, out);
        } catch (Exception e) {
            out.plain("");
            out.plain("make demo failed: " + e.getMessage());
            e.printStackTrace(System.out);
            return 1;
        }
        // Until SIGTERM, when the shutdown hook stops everything.
        new CountDownLatch(1).await();
        return 0;
    }

    private void run(DemoDirectory demo, Narrator out) throws IOException {
        DemoCluster cluster = startCluster(demo, out);
        Files.copy(cluster.adminKubeconfig(), demo.kubeconfig());
        Kubectl admin = cluster.kubectl(demo.kubeconfig());

        ChartRelease release = ChartRelease.of(demo.kubeconfig());
        out.step("Installing agentguard with its Helm chart");
        out.command("admin", release.installCommand());
        out.output(release.install().lines().takeWhile(line -> !line.startsWith("NOTES")).reduce("",
                (a, b) -> a + b + "\n"));
        out.say("The chart's images cannot run without a container runtime, so its operator, webhook and node proxy");
        out.say("run as local processes, each with exactly the environment, mounted Secrets and RBAC the chart gave it.");
        Components components = keep(Components.start(cluster, release.namespace(), demo.root().resolve("components"),
                WAIT));
        if (kubeconfig != null) {
            // Before the components stop: nothing may be left failing closed in the user's cluster.
            keep(() -> uninstall(cluster, release, components, admin));
        }
        out.allowed("operator: issued the webhook's and proxies' certificates and filled every caBundle");
        out.allowed("webhook: admitting pods in opted-in namespaces;  proxy: ready on node " + cluster.node());

        AgentWorkspace workspace = keep(AgentWorkspace.create(cluster, admin, components.proxy(), out,
                demo.root().resolve("agent"), WAIT));
        Files.copy(workspace.agentKubeconfig(), demo.agentKubeconfig());
        Kubectl agent = cluster.kubectl(demo.agentKubeconfig());
        Approver alice = Approver.of(cluster, AgentScenario.APPROVER, AgentScenario.APPROVER_GROUP, demo.bin());
        new AgentScenario(cluster, admin, agent, alice, components.proxy(), release.namespace(), out, WAIT).run();

        List<Long> pids = new ArrayList<>(cluster.pids());
        pids.addAll(components.pids());
        pids.add(workspace.shim().pid());
        demo.recordProcesses(pids);
        printNextSteps(demo, out, components, alice);
        demo.write(demo.readyFile(), "");
    }

    private DemoCluster startCluster(DemoDirectory demo, Narrator out) {
        if (kubeconfig != null) {
            out.step("Using the cluster in " + kubeconfig);
            DemoCluster cluster = keep(ExistingCluster.connect(kubeconfig, demo.root().resolve("node"), demo.tmp()));
            out.say("kwok plays the node " + cluster.node() + " the demo's pods run on, so no image is pulled");
            return cluster;
        }
        out.step("Starting a local control plane: etcd, kube-apiserver, kube-controller-manager and a kwok node");
        out.say("in " + demo.cluster());
        DemoCluster cluster = keep(LocalControlPlane.start(demo.cluster(), demo.tmp()));
        out.allowed("API server ready at " + cluster.url());
        return cluster;
    }

    private static void uninstall(DemoCluster cluster, ChartRelease release, Components components, Kubectl admin) {
        components.removeWebhookConfigurations();
        admin.run(null, "delete", "namespace", AgentWorkspace.NAMESPACE, "--wait=false");
        release.uninstallWithoutHooks();
    }

    private static void printNextSteps(DemoDirectory demo, Narrator out, Components components, Approver alice) {
        Path root = demo.root();
        out.plain("");
        out.plain("agentguard is running. Everything lives in " + root + ".");
        out.plain("");
        out.plain("  export KUBECONFIG=" + demo.kubeconfig() + "   # you, the cluster admin");
        out.plain("  kubectl get clusteragentpolicies,agentpolicies -A");
        out.plain("  kubectl -n agentguard-system get approvalrequests,agentsessions");
        out.plain("  helm -n agentguard-system status agentguard");
        out.plain("");
        out.plain("  # alice, the approver, with kubectl agentguard (on the PATH from " + demo.bin() + ")");
        out.plain("  export PATH=" + demo.bin() + ":$PATH");
        out.plain("  kubectl agentguard approvals --watch --kubeconfig " + alice.person().kubeconfig()
                + (alice.person().flags().isEmpty() ? "" : " " + String.join(" ", alice.person().flags())));
        out.plain("  kubectl agentguard sessions");
        out.plain("  kubectl agentguard policy test -f examples/policies/baseline.yaml --as-agent demo/agent \\");
        out.plain("      --exec 'sh -c \"mysqldump --all-databases\"'");
        out.plain("");
        out.plain("  # the agent, through its shim: try what it may and may not do");
        out.plain("  kubectl --kubeconfig " + demo.agentKubeconfig() + " -n demo get secret db-credentials -o yaml");
        out.plain("  kubectl --kubeconfig " + demo.agentKubeconfig() + " -n demo exec postgres -c postgres -- sh -c 'mysqldump --all-databases'");
        out.plain("  kubectl --kubeconfig " + demo.agentKubeconfig() + " get secrets -n kube-system");
        out.plain("");
        out.plain("  # logs: the proxy's (with its audit events), the webhook's and the operator's");
        out.plain("  less " + components.proxy().app().directory().resolve("app.log"));
        out.plain("  less " + components.webhook().app().directory().resolve("app.log"));
        out.plain("  less " + components.operator().app().directory().resolve("app.log"));
        out.plain("");
        out.plain("  make demo-down   # stops every process of the demo and removes " + root);
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        started.push(closeable);
        return closeable;
    }

    private void stopAll() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.out.println("demo: while stopping: " + e);
            }
        }
        System.out.println("demo: stopped");
    }
}
