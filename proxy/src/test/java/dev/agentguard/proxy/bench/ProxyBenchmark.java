package dev.agentguard.proxy.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.agentguard.proxy.bench.ExecClient.Endpoint;
import dev.agentguard.testing.bench.BenchMain;
import dev.agentguard.testing.kube.KubeApiServer;

/**
 * Benchmark, not a test: the same requests, with the same pod-bound token, sent to the
 * test kube-apiserver on four paths in one run: straight, through {@code kubectl proxy}
 * (the upstream reverse proxy, no policy: the peer), through the packaged proxy (its own
 * process), and through the agent's shim in front of it. Each request runs with every
 * configured number of concurrent clients on each path. Every answer is checked (status and
 * body) before it counts, so a report is never made of refusals. Prints a Markdown report.
 * Run with {@code hack/bench/proxy-api.sh}; {@code ProxyBenchmarkSmokeIT} runs it with tiny
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
        if (parameters.policies() > 0) {
            System.err.printf("publishing %d policies that select the agent%n", parameters.policies());
            BenchPolicies.publish(cluster.admin(), NS, parameters.policies());
        }
        try (Proxied agentguard = Proxied.start(cluster, NS, agent.token(), Map.of());
                KubectlProxy kubectl = KubectlProxy.start(cluster.binary("kubectl"), cluster.url(),
                        cluster.caCertificatePem(), agent.token())) {
            System.err.println("kubectl proxy serving on " + kubectl.url());
            List<ApiPath> paths = paths(cluster, agent, agentguard, kubectl);
            Map<ApiPath, List<ApiClient>> clients = new LinkedHashMap<>();
            for (ApiPath path : paths) {
                clients.put(path, IntStream.range(0, parameters.maxConcurrency()).mapToObj(i -> path.client())
                        .toList());
            }
            // First of all, every path accepts the agent: a missing object is the API server's 404,
            // not a 401 or 403 from any hop.
            for (ApiPath path : paths) {
                clients.get(path).get(0).checkedGet(path.base() + agent.configMapPath("missing"), Answers.notFound());
            }
            System.err.println(names(paths) + ": 404 NotFound for a missing ConfigMap (the agent's token accepted)");
            if (parameters.policies() > 0) {
                // The proxy holds every policy: the last one refuses its ConfigMap on both agentguard paths.
                int last = parameters.policies() - 1;
                for (ApiPath path : paths.stream().filter(ApiPath::masks).toList()) {
                    clients.get(path).get(0).checkedGet(path.base() + agent.configMapPath(BenchPolicies.denied(last)),
                            BenchPolicies.refusedBy(last));
                }
                System.err.printf("proxy only, shim + proxy: policy %d of %d in force%n", last + 1,
                        parameters.policies());
            }
            List<ApiTable> tables = new ArrayList<>();
            for (ApiRequest request : requests(agent, parameters)) {
                tables.add(table(request, paths, clients, parameters.concurrency()));
            }
            ApiPath direct = paths.get(0);
            byte[] secretList = clients.get(direct).get(0).checkedGet(direct.base() + agent.secretsPath(),
                    Answers.secrets(agent.secrets())).body().getBytes(StandardCharsets.UTF_8);
            // Two values per Secret: password and user.
            return new ApiReport(tables, MaskingThroughput.measure(secretList, agent.secrets(), 2 * agent.secrets(),
                    parameters.maskingRuns()));
        } finally {
            cluster.admin().namespaces().withName(NS).delete();
        }
    }

    /** direct, kubectl proxy, proxy only, shim + proxy: the order of every table's rows. */
    private static List<ApiPath> paths(KubeApiServer cluster, ApiAgent agent, Proxied agentguard,
            KubectlProxy kubectl) throws Exception {
        Endpoint proxyOnly = agentguard.proxyOnly(agent.token());
        Endpoint shim = agentguard.endpoint();
        long proxyPid = agentguard.proxy().app().pid();
        return List.of(
                new ApiPath(ApiPath.DIRECT, cluster.url(), BenchEnvironment.trusting(cluster.caCertificatePem()),
                        agent.token(), false, List.of()),
                // No token from the client: kubectl proxy presents its kubeconfig's, the same pod token.
                new ApiPath(ApiPath.KUBECTL_PROXY, kubectl.url(),
                        BenchEnvironment.trusting(cluster.caCertificatePem()), null, false, List.of(kubectl.pid())),
                new ApiPath(proxyOnly.name(), "https://127.0.0.1:" + proxyOnly.port(),
                        BenchEnvironment.trusting(proxyOnly.caPem()), proxyOnly.token(), true, List.of(proxyPid)),
                new ApiPath(shim.name(), "https://127.0.0.1:" + shim.port(), BenchEnvironment.trusting(shim.caPem()),
                        shim.token(), true, List.of(agentguard.shim().pid(), proxyPid)));
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

    /**
     * A request at each number of clients, on each path in turn: the paths at one
     * concurrency are measured one right after the other, under the same conditions.
     */
    private static ApiTable table(ApiRequest request, List<ApiPath> paths, Map<ApiPath, List<ApiClient>> clients,
            List<Integer> concurrency) throws Exception {
        List<ApiRow> rows = new ArrayList<>();
        for (int count : concurrency) {
            int checked = 0;
            for (ApiPath path : paths) {
                ApiRow row = ApiLoad.measure(request, path, clients.get(path).subList(0, count));
                checked += row.checkedAnswers();
                rows.add(row);
            }
            System.err.printf("%s, %s: %d answers on %s, each 200 with the right body%n", request.name(),
                    count == 1 ? "1 client" : count + " concurrent clients", checked, names(paths));
        }
        return new ApiTable(request.name(), rows);
    }

    private static String names(List<ApiPath> paths) {
        return String.join(", ", paths.stream().map(ApiPath::name).toList());
    }

    private ProxyBenchmark() {
    }
}
