package dev.agentguard.proxy.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import dev.agentguard.proxy.bench.ExecClient.Endpoint;
import dev.agentguard.testing.bench.BenchMain;
import dev.agentguard.testing.kube.KubeApiServer;
import io.vertx.core.Vertx;

/**
 * Benchmark, not a test: exec sessions straight to the test kube-apiserver
 * (whose kwok node runs the command as a local process) and through the exec
 * path an agent takes, exec-shim → packaged proxy (recording on) →
 * kube-apiserver, in one run, with the same pod-bound token. Measures output
 * throughput and the round trip of a key typed into a TTY; every session's output is
 * checked, and so is the proxy's record of it. Prints a Markdown report. Run with
 * {@code hack/bench/exec.sh}; {@code ExecBenchmarkSmokeIT} runs it with tiny parameters
 * in the test suite.
 */
public final class ExecBenchmark {

    static final String NS = "exec-bench";
    private static final String TEXT_LINE = "some log line of typical length 0123456789";
    private static final String PARTIAL_LINE_DELAY = "AGENTGUARD_PROXY_EXEC_PARTIAL_LINE_DELAY";

    public static void main(String[] args) {
        BenchMain.run(() -> System.out.print(run(KubeApiServer.shared(), ExecBenchParameters.fromSystemProperties())
                .markdown()));
    }

    static ExecReport run(KubeApiServer cluster, ExecBenchParameters parameters) throws Exception {
        System.err.println("setting up: CRDs, RBAC, agent and target pods on " + BenchEnvironment.NODE);
        BenchEnvironment.installProxyPrerequisites(cluster);
        ExecAgent agent = ExecAgent.create(cluster.admin(), NS);
        Vertx vertx = Vertx.vertx();
        try {
            Endpoint direct = new Endpoint("direct", URI.create(cluster.url()).getPort(), cluster.caCertificatePem(),
                    agent.token(), false);
            CpuMeter cpu = new CpuMeter(direct.port(), cluster.adminKubeconfig().toString());
            ProxySessions sessions = new ProxySessions(cluster.admin(), NS);
            ExecStreams streaming = new ExecStreams(vertx, parameters, cpu, sessions);
            Typist typist = new Typist(vertx, parameters, sessions);
            ExecScaling scaling = new ExecScaling(vertx, parameters, cpu, sessions);
            String bytes = Long.toString(parameters.bytes());
            LongFunction<Workload> text = n -> new Workload("text: `yes '" + TEXT_LINE + "' \\| head -c N`",
                    agent.exec(false, "sh", "-c", "yes '" + TEXT_LINE + "' | head -c " + n),
                    ExpectedOutput.lines(TEXT_LINE));
            List<Workload> workloads = List.of(
                    new Workload("zeros: `head -c N /dev/zero`", agent.exec(false, "head", "-c", bytes, "/dev/zero"),
                            ExpectedOutput.zeros()),
                    text.apply(parameters.bytes()));
            String tty = agent.exec(true, "sh");

            List<WorkloadStreams> streams = new ArrayList<>();
            List<TypingRow> typing = new ArrayList<>();
            List<ScalingRow> concurrent;
            String memory;
            try (Proxied proxied = Proxied.start(cluster, agent, Map.of())) {
                List<Endpoint> paths = List.of(direct, proxied.proxyOnly(agent), proxied.endpoint());
                for (Workload workload : workloads) {
                    streams.add(streaming.run(workload, paths, proxied));
                }
                memory = memory(proxied);
                // After the memory figure: it is the one-session figure, and the concurrent runs add their own.
                concurrent = scaling.run(text, paths, proxied);
                for (Endpoint path : paths) {
                    typing.add(typist.row(path.name() + (path == direct ? "" : ", partial-line-delay 10ms (default)"),
                            path, tty, proxied));
                }
            }
            try (Proxied proxied = Proxied.start(cluster, agent, Map.of(PARTIAL_LINE_DELAY, "0ms"))) {
                for (Endpoint path : List.of(proxied.proxyOnly(agent), proxied.endpoint())) {
                    typing.add(typist.row(path.name() + ", partial-line-delay 0ms", path, tty, proxied));
                }
            }
            return new ExecReport(parameters, cpu.components(), streams, memory, typing, concurrent);
        } finally {
            vertx.close();
            cluster.admin().namespaces().withName(NS).delete();
        }
    }

    private static String memory(Proxied proxied) throws Exception {
        long proxy = proxied.proxy().app().pid();
        long shim = proxied.shim().pid();
        return String.format("proxy RSS after the streams %d MiB (peak %d MiB); exec-shim RSS %d MiB (peak %d MiB)",
                ProcStat.memoryKiB(proxy, "VmRSS") / 1024, ProcStat.memoryKiB(proxy, "VmHWM") / 1024,
                ProcStat.memoryKiB(shim, "VmRSS") / 1024, ProcStat.memoryKiB(shim, "VmHWM") / 1024);
    }

    private ExecBenchmark() {
    }
}
