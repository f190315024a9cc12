package dev.agentguard.proxy.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.bench.BenchMain;
import dev.agentguard.testing.bench.Samples;
import dev.agentguard.testing.kube.KubeApiServer;

/**
 * Benchmark, not a test: the same requests, with the same pod-bound token, sent
 * straight to the test kube-apiserver and through the packaged proxy (its own
 * process), in one run. Every answer is checked (status and body) before it counts, so a
 * report is never made of refusals. Prints a Markdown report. Run with
 * {@code hack/bench/proxy-api.sh}; {@code ProxyBenchmarkSmokeIT} runs it with tiny
 * parameters in the test suite.
 */
public final class ProxyBenchmark {

    static final String NS = "bench";

    public static void main(String[] args) {
        BenchMain.run(() -> System.out.print(run(KubeApiServer.shared(), ApiBenchParameters.fromSystemProperties())
                .markdown()));
    }

    static ApiReport run(KubeApiServer cluster, ApiBenchParameters parameters) throws Exception {
        System.err.printf("setting up: CRDs, RBAC, %d ConfigMaps, %d Secrets%n", parameters.configMaps(),
                parameters.secrets());
        BenchEnvironment.installProxyPrerequisites(cluster);
        ApiAgent agent = ApiAgent.create(cluster, NS, parameters.configMaps(), parameters.secrets());
        try (ProxyProcess proxy = BenchEnvironment.startProxy(cluster, Map.of())) {
            ApiClient client = new ApiClient(BenchEnvironment.trusting(cluster.caCertificatePem(), proxy.caPem()),
                    agent.token());
            String direct = cluster.url().replaceAll("/+$", "");
            String proxied = "https://127.0.0.1:" + proxy.port();
            // First of all, both paths accept the agent: a missing object is the API server's 404,
            // not a 401 or 403 from either.
            for (String base : List.of(direct, proxied)) {
                client.checkedGet(base + agent.configMapPath("missing"), Answers.notFound());
            }
            System.err.println("direct and proxied: 404 NotFound for a missing ConfigMap (the agent's token accepted)");
            List<ApiRow> rows = new ArrayList<>();
            for (ApiRequest request : requests(agent, parameters)) {
                ApiRow row = row(client, request, direct, proxied, proxy);
                System.err.printf("%s: %d answers, direct and proxied, each 200 with the right body%n", row.name(),
                        row.checkedAnswers());
                rows.add(row);
            }
            byte[] secretList = client.checkedGet(direct + agent.secretsPath(), Answers.secrets(agent.secrets()))
                    .body().getBytes(StandardCharsets.UTF_8);
            // Two values per Secret: password and user.
            return new ApiReport(rows, MaskingThroughput.measure(secretList, agent.secrets(), 2 * agent.secrets(),
                    parameters.maskingRuns()));
        } finally {
            cluster.admin().namespaces().withName(NS).delete();
        }
    }

    private static List<ApiRequest> requests(ApiAgent agent, ApiBenchParameters parameters) {
        return List.of(
                new ApiRequest("GET one ConfigMap", agent.configMapPath("cm-1"), parameters.getRuns(),
                        Answers.configMap("cm-1"), Answers.configMap("cm-1")),
                new ApiRequest("LIST " + agent.configMaps() + " ConfigMaps", agent.configMapsPath(),
                        parameters.listRuns(), Answers.configMaps(agent.configMaps()),
                        Answers.configMaps(agent.configMaps())),
                new ApiRequest("LIST " + agent.secrets() + " Secrets (masked)", agent.secretsPath(),
                        parameters.secretRuns(), Answers.secrets(agent.secrets()),
                        Answers.maskedSecrets(agent.secrets())));
    }

    private static ApiRow row(ApiClient client, ApiRequest request, String direct, String proxied,
            ProxyProcess proxy) throws Exception {
        int warmup = ApiBenchParameters.warmup(request.runs());
        int checkedBefore = client.checkedAnswers();
        measure(client, direct + request.path(), warmup, request.direct());
        measure(client, proxied + request.path(), warmup, request.proxied());
        Samples directNanos = measure(client, direct + request.path(), request.runs(), request.direct());
        long cpuBefore = ProcStat.cpuTicks(proxy.app().pid());
        Samples proxiedNanos = measure(client, proxied + request.path(), request.runs(), request.proxied());
        long cpuTicks = ProcStat.cpuTicks(proxy.app().pid()) - cpuBefore;
        double cpuMicrosPerRequest = ProcStat.cpuMillis(cpuTicks) * 1000 / request.runs();
        return new ApiRow(request.name(), directNanos, proxiedNanos, cpuMicrosPerRequest,
                client.checkedAnswers() - checkedBefore);
    }

    private static Samples measure(ApiClient client, String url, int runs, Expected expected) throws Exception {
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            nanos[i] = client.timedGet(url, expected);
        }
        return Samples.of(nanos);
    }

    private ProxyBenchmark() {
    }
}
