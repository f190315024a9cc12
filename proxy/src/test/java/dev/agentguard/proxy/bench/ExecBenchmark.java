package dev.agentguard.proxy.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.proxy.bench.ExecClient.Arrival;
import dev.agentguard.proxy.bench.ExecClient.Endpoint;
import dev.agentguard.testing.apps.ShimProcess;
import dev.agentguard.testing.bench.BenchMain;
import dev.agentguard.testing.bench.Samples;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;

/**
 * Benchmark, not a test: exec sessions straight to the test kube-apiserver
 * (whose kwok node runs the command as a local process) and through the exec
 * path an agent takes, exec-shim → packaged proxy (recording on) →
 * kube-apiserver, in one run, with the same pod-bound token. Measures output
 * throughput and the round trip of a key typed into a TTY. Prints a Markdown
 * report. Run with {@code hack/bench/exec.sh}.
 */
public final class ExecBenchmark {

    private static final String NS = "exec-bench";
    private static final String NODE = KubeApiServer.KWOK_NODE;
    private static final long MIB = 1024 * 1024;
    private static final String TEXT_LINE = "some log line of typical length 0123456789";
    /**
     * The JVM flags the webhook gives the injected shim (agentguard.webhook.shim.jvm-options), unless
     * {@code bench.shim.jvm} says otherwise.
     */
    private static final List<String> SHIM_JVM = Arrays.stream(System.getProperty("bench.shim.jvm",
            "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k -Xmx24m -XX:MaxMetaspaceSize=48m"
                    + " -XX:ReservedCodeCacheSize=16m -XX:-UsePerfData").trim().split("\\s+"))
            .filter(flag -> !flag.isEmpty()).toList();
    private static final String PARTIAL_LINE_DELAY = "AGENTGUARD_PROXY_EXEC_PARTIAL_LINE_DELAY";

    private final KubeApiServer cluster = KubeApiServer.shared();
    private final KubernetesClient admin = cluster.admin();
    private final Vertx vertx = Vertx.vertx();
    private final Map<String, OptionalLong> controlPlane = new LinkedHashMap<>();

    public static void main(String[] args) {
        BenchMain.run(() -> new ExecBenchmark().run());
    }

    /** A command whose stdout is streamed, and its exec URI. */
    private record Workload(String name, String uri) {
    }

    /** One exec: stdout bytes received, and when the first arrived and the session closed, from the handshake. */
    private record Sample(long bytes, boolean complete, long totalNanos, long firstByteNanos) {

        /** MiB/s from the first byte to the close: the stream, without the session's set-up. */
        double rate() {
            return bytes / (double) MIB / ((totalNanos - firstByteNanos) / 1e9);
        }
    }

    /** CPU ticks of each process taking part, summed over the measured runs of one path. */
    private static final class CpuUse {
        final Map<String, Long> ticks = new LinkedHashMap<>();
        long bytes;

        void add(Map<String, Long> before, Map<String, Long> after, long streamed) {
            after.forEach((name, value) -> ticks.merge(name, value - before.getOrDefault(name, value), Long::sum));
            bytes += streamed;
        }
    }

    /** The agent's path: a shim holding the agent pod's token, in front of its own proxy. */
    private record Proxied(ProxyProcess proxy, ShimProcess shim, Endpoint endpoint) implements AutoCloseable {

        static Proxied start(KubeApiServer cluster, String podToken, Map<String, String> settings) throws Exception {
            ProxyProcess proxy = BenchEnvironment.startProxy(cluster, settings);
            ShimProcess shim = ShimProcess.start("https://127.0.0.1:" + proxy.port(), proxy.caFile(), podToken, NS,
                    Map.of(), SHIM_JVM);
            Endpoint endpoint = new Endpoint("shim + proxy", shim.port(),
                    Files.readString(shim.credentials().resolve("ca.crt")),
                    Files.readString(shim.credentials().resolve("token")).trim());
            return new Proxied(proxy, shim, endpoint);
        }

        @Override
        public void close() throws InterruptedException {
            shim.close();
            proxy.close();
        }
    }

    private void run() throws Exception {
        int mib = Integer.getInteger("bench.mib", 256);
        int keystrokes = Integer.getInteger("bench.keystrokes", 500);
        int runs = Integer.getInteger("bench.runs", 5);
        long bytes = mib * MIB;

        System.err.println("setting up: CRDs, RBAC, agent and target pods on " + NODE);
        BenchEnvironment.installProxyPrerequisites(cluster);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .serverSideApply();
        admin.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("agent").endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(NS).resource(new RoleBuilder().withNewMetadata().withName("agent")
                .endMetadata().addNewRule().withApiGroups("").withResources("pods").withVerbs("get").endRule()
                .addNewRule().withApiGroups("").withResources("pods/exec").withVerbs("get", "create").endRule()
                .build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(NS).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("agent").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent")
                .addNewSubject().withKind("ServiceAccount").withName("agent").withNamespace(NS).endSubject()
                .build()).serverSideApply();
        // Both pods on the kwok node: it keeps them Running, and the proxy serves the agent's node.
        Pod agent = pod("agent");
        pod("target");
        admin.pods().inNamespace(NS).withName("target").waitUntilCondition(p -> p != null && p.getStatus() != null
                && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
        String token = BenchEnvironment.boundToken(admin, agent);
        Endpoint direct = new Endpoint("direct", URI.create(cluster.url()).getPort(), cluster.caCertificatePem(),
                token);
        controlPlane.put("kube-apiserver", pidOf("kube-apiserver", "--secure-port=" + direct.port()));
        controlPlane.put("kwok", pidOf("kwok", "--kubeconfig=" + cluster.adminKubeconfig()));

        List<Workload> workloads = List.of(
                new Workload("zeros: `head -c N /dev/zero`", exec(false, "head", "-c", Long.toString(bytes),
                        "/dev/zero")),
                new Workload("text: `yes '" + TEXT_LINE + "' \\| head -c N`", exec(false, "sh", "-c",
                        "yes '" + TEXT_LINE + "' | head -c " + bytes)));
        String tty = exec(true, "sh");

        StringBuilder throughput = new StringBuilder();
        StringBuilder cpu = new StringBuilder();
        StringBuilder memory = new StringBuilder();
        StringBuilder typing = new StringBuilder();
        try {
            try (Proxied proxied = Proxied.start(cluster, token, Map.of())) {
                List<Endpoint> paths = List.of(direct, proxyOnly(proxied, token), proxied.endpoint());
                for (Workload workload : workloads) {
                    streamRows(workload, mib, runs, paths, proxied, throughput, cpu);
                }
                memory.append(String.format("proxy RSS after the streams %d MiB (peak %d MiB); exec-shim RSS %d MiB"
                        + " (peak %d MiB)%n",
                        ProcStat.memoryKiB(proxied.proxy().app().pid(), "VmRSS") / 1024,
                        ProcStat.memoryKiB(proxied.proxy().app().pid(), "VmHWM") / 1024,
                        ProcStat.memoryKiB(proxied.shim().pid(), "VmRSS") / 1024,
                        ProcStat.memoryKiB(proxied.shim().pid(), "VmHWM") / 1024));
                for (Endpoint path : paths) {
                    typingRow(path.name() + (path == direct ? "" : ", partial-line-delay 10ms (default)"),
                            keystrokes, path, tty, typing);
                }
            }
            try (Proxied proxied = Proxied.start(cluster, token, Map.of(PARTIAL_LINE_DELAY, "0ms"))) {
                for (Endpoint path : List.of(proxyOnly(proxied, token), proxied.endpoint())) {
                    typingRow(path.name() + ", partial-line-delay 0ms", keystrokes, path, tty, typing);
                }
            }
        } finally {
            admin.namespaces().withName(NS).delete();
        }

        System.out.printf("Exec throughput, %d MiB per run, %d runs per path (median of stdout bytes received per"
                + " second, first byte to close; first byte = median time from the handshake), %d cores%n%n",
                mib, runs, Runtime.getRuntime().availableProcessors());
        System.out.println("| output | path | throughput (min–max) | vs direct | first byte | incomplete |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.println(throughput);
        System.out.println("CPU per MiB streamed (ms), summed over the measured runs; client = the benchmark's JVM");
        System.out.println();
        System.out.println("| output | path | " + String.join(" | ", components()) + " | total |");
        System.out.println("|---|---|" + "---|".repeat(components().size() + 1));
        System.out.println(cpu);
        System.out.println(memory);
        System.out.printf("Keystroke round trip in a TTY (`sh`): one key on stdin until its echo on stdout,"
                + " %d keys after 50 unmeasured%n%n", keystrokes);
        System.out.println("| path | p50 | p90 | p99 | max |");
        System.out.println("|---|---|---|---|---|");
        System.out.print(typing);
    }

    /**
     * The proxy's own listener with the pod's real token, as the shim forwards
     * it: the difference to "shim + proxy" is the shim's share.
     */
    private static Endpoint proxyOnly(Proxied proxied, String podToken) {
        return new Endpoint("proxy only", proxied.proxy().port(), proxied.proxy().caPem(), podToken);
    }

    private Pod pod(String name) {
        return admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withServiceAccountName("agent").withNodeName(NODE).addNewContainer().withName(name)
                .withImage("registry.invalid/" + name + ":1").endContainer().endSpec().build()).serverSideApply();
    }

    private static String exec(boolean tty, String... command) {
        String args = Arrays.stream(command).map(c -> "command=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return "/api/v1/namespaces/" + NS + "/pods/target/exec?" + args
                + (tty ? "&stdin=true&stdout=true&tty=true" : "&stdout=true&stderr=true");
    }

    private void streamRows(Workload workload, int mib, int runs, List<Endpoint> paths, Proxied proxied,
            StringBuilder throughput, StringBuilder cpu) throws Exception {
        long bytes = mib * MIB;
        System.err.printf("streaming %s: warm-up, then %d runs per path%n", workload.name(), runs);
        for (Endpoint path : paths) {
            stream(path, workload.uri(), bytes);
            awaitRecorded(proxied.proxy());
        }
        double[][] rates = new double[paths.size()][runs];
        long[][] firstByte = new long[paths.size()][runs];
        int[] incomplete = new int[paths.size()];
        List<CpuUse> cpuUse = paths.stream().map(p -> new CpuUse()).toList();
        for (int i = 0; i < runs; i++) {
            // Taking turns, so drift (page cache, a neighbour's build) touches every path alike.
            StringBuilder progress = new StringBuilder("  run " + (i + 1) + ":");
            for (int p = 0; p < paths.size(); p++) {
                Map<String, Long> before = cpuTicks(proxied);
                Sample sample = stream(paths.get(p), workload.uri(), bytes);
                cpuUse.get(p).add(before, cpuTicks(proxied), sample.bytes());
                // The proxy seals the recording after the session: outside this window, and not in the next one.
                awaitRecorded(proxied.proxy());
                rates[p][i] = sample.rate();
                firstByte[p][i] = sample.firstByteNanos();
                incomplete[p] += sample.complete() ? 0 : 1;
                progress.append(String.format(" %s %.0f MiB/s%s", paths.get(p).name(), sample.rate(),
                        sample.complete() ? "" : " (incomplete)"));
            }
            System.err.println(progress);
        }
        Arrays.stream(rates).forEach(Arrays::sort);
        Arrays.stream(firstByte).forEach(Arrays::sort);
        double directMedian = median(rates[0]);
        String output = workload.name().substring(0, workload.name().indexOf(':'));
        for (int p = 0; p < paths.size(); p++) {
            double median = median(rates[p]);
            throughput.append(String.format("| %s | %s | %s MiB/s (%s–%s) | %s | %s | %d of %d |%n",
                    p == 0 ? workload.name() : "", paths.get(p).name(), figure(median), figure(rates[p][0]),
                    figure(rates[p][runs - 1]),
                    p == 0 ? "" : "**" + figure(100.0 * median / directMedian) + " %**",
                    ms(Samples.of(firstByte[p]).percentile(50)), incomplete[p], runs));
            cpuRow(cpu, output, paths.get(p).name(), cpuUse.get(p));
        }
    }

    /** Two significant digits or more, so small rates are not printed as 0. */
    private static String figure(double value) {
        return String.format(value < 10 ? "%.1f" : "%.0f", value);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * One exec streaming {@code bytes} of stdout, read to the end. It may end
     * short, with or without its Status: kube-apiserver's WebSocket translation
     * can end a session while output is still on its way when the reader is
     * slow (kubernetes/kubernetes#124571). The report counts those as
     * incomplete; any other failure stops the benchmark.
     */
    private Sample stream(Endpoint endpoint, String uri, long bytes) throws Exception {
        try (ExecClient client = ExecClient.open(vertx, endpoint, uri, false)) {
            client.awaitClose(10, TimeUnit.MINUTES);
            boolean success = client.status().contains("\"Success\"");
            if (client.stdoutBytes() > bytes || !(success || client.status().isEmpty())) {
                throw new IllegalStateException(endpoint.name() + " exec of " + uri + " streamed "
                        + client.stdoutBytes() + " of " + bytes + " bytes, status " + client.status());
            }
            boolean complete = success && client.stdoutBytes() == bytes;
            if (!complete) {
                System.err.printf("    %s: incomplete (%s): %s; the proxy's newest AgentSession says it sent %s%n",
                        endpoint.name(), success ? "Success" : "no Status", client.debug(), bytesOut());
            }
            return new Sample(client.stdoutBytes(), complete, client.closedNanos() - client.openedNanos(),
                    client.firstStdoutNanos() - client.openedNanos());
        }
    }

    /**
     * Waits until the proxy has completed every session of this benchmark
     * (recording sealed and chained, AgentSession completed), then deletes the
     * recordings: 256 MiB of NULs is 1.5 GiB of asciicast.
     */
    private void awaitRecorded(ProxyProcess proxy) throws Exception {
        awaitSessionsCompleted();
        try (Stream<Path> files = Files.list(proxy.recordings())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".cast")).toList()) {
                Files.delete(file);
            }
        }
    }

    private void awaitSessionsCompleted() {
        org.awaitility.Awaitility.await("the proxy completes its sessions").atMost(java.time.Duration.ofSeconds(120))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> sessions().stream().noneMatch(s -> s.getStatus() == null
                        || "Running".equals(s.getStatus().phase())));
    }

    private List<AgentSession> sessions() {
        return admin.resources(AgentSession.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withLabel(AgentGuard.GROUP + "/agent-namespace", NS).list().getItems();
    }

    /** What the proxy's newest AgentSession says it sent, to tell a loss before the proxy from one after it. */
    private String bytesOut() throws InterruptedException {
        if (sessions().isEmpty()) {
            return "no session";
        }
        awaitSessionsCompleted();
        return sessions().stream().max(Comparator.comparing(s -> Instant.parse(s.getSpec().startedAt())))
                .map(s -> s.getStatus().bytesOut() + " bytes (" + s.getMetadata().getName() + ")").orElseThrow();
    }

    private void typingRow(String name, int keystrokes, Endpoint endpoint, String uri, StringBuilder typing)
            throws Exception {
        System.err.printf("typing: %s, %d keys%n", name, keystrokes);
        long[] nanos = keystrokes(endpoint, uri, keystrokes);
        Samples samples = Samples.of(nanos);
        typing.append(String.format("| %s | %s | %s | %s | %s |%n", name, ms(samples.percentile(50)),
                ms(samples.percentile(90)), ms(samples.percentile(99)), ms(samples.max())));
    }

    /** Types one key at a time into {@code sh} on a TTY, each after the previous one's echo arrived. */
    private long[] keystrokes(Endpoint endpoint, String uri, int keystrokes) throws Exception {
        int warmup = 50;
        long[] nanos = new long[keystrokes];
        try (ExecClient terminal = ExecClient.open(vertx, endpoint, uri, true)) {
            if (terminal.nextArrival(30, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException(endpoint.name() + ": no prompt from sh in 30 s");
            }
            terminal.awaitQuiet(300);
            for (int i = 0; i < warmup + keystrokes; i++) {
                if (i > 0 && i % 200 == 0) {
                    // ^U: the terminal's line stays short (the kernel holds 4 KiB of it).
                    terminal.type("\u0015");
                    terminal.awaitQuiet(200);
                }
                long sent = System.nanoTime();
                terminal.type("a");
                Arrival echo = terminal.nextArrival(10, TimeUnit.SECONDS);
                if (echo == null) {
                    throw new IllegalStateException(endpoint.name() + ": no echo of key " + i + " in 10 s");
                }
                if (i >= warmup) {
                    nanos[i - warmup] = echo.nanos() - sent;
                }
            }
            terminal.type("\u0015");
            terminal.awaitQuiet(200);
            terminal.type("exit\r");
            terminal.awaitClose(30, TimeUnit.SECONDS);
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private List<String> components() {
        List<String> names = new ArrayList<>(controlPlane.keySet());
        names.addAll(List.of("exec-shim", "proxy", "client"));
        return names;
    }

    private Map<String, Long> cpuTicks(Proxied proxied) throws Exception {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (var entry : controlPlane.entrySet()) {
            if (entry.getValue().isPresent()) {
                ticks.put(entry.getKey(), ProcStat.cpuTicks(entry.getValue().getAsLong()));
            }
        }
        ticks.put("exec-shim", ProcStat.cpuTicks(proxied.shim().pid()));
        ticks.put("proxy", ProcStat.cpuTicks(proxied.proxy().app().pid()));
        ticks.put("client", ProcStat.cpuTicks(ProcessHandle.current().pid()));
        return ticks;
    }

    private void cpuRow(StringBuilder cpu, String output, String path, CpuUse use) {
        double mib = use.bytes / (double) MIB;
        StringBuilder row = new StringBuilder("| " + output + " | " + path);
        long total = 0;
        for (String name : components()) {
            Long ticks = use.ticks.get(name);
            total += ticks == null ? 0 : ticks;
            row.append(" | ").append(ticks == null ? "n/a" : String.format("%.1f", cpuMillis(ticks) / mib));
        }
        cpu.append(row).append(String.format(" | %.1f |%n", cpuMillis(total) / mib));
    }

    private static double cpuMillis(long ticks) {
        return ticks * 1000.0 / ProcStat.CLOCK_TICKS_PER_SECOND;
    }

    /** A process of the control plane, told apart from other test runs' by one of its arguments. */
    private static OptionalLong pidOf(String binary, String argument) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/" + binary)).orElse(false))
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(argument)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst();
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    private ExecBenchmark() {
    }
}
