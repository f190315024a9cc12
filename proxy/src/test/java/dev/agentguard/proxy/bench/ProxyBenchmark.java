package dev.agentguard.proxy.bench;

import static dev.agentguard.proxy.bench.BenchEnvironment.ms;
import static dev.agentguard.proxy.bench.BenchEnvironment.pct;
import static dev.agentguard.proxy.bench.BenchEnvironment.trusting;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.proxy.masking.JsonStreamMasker;
import dev.agentguard.proxy.masking.MaskingPlan;
import dev.agentguard.proxy.masking.ObjectMasker;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Benchmark, not a test: the same requests, with the same pod-bound token, sent
 * straight to the test kube-apiserver and through the packaged proxy (its own
 * process), in one run. Prints a Markdown report. Run with
 * {@code hack/bench/proxy-api.sh}.
 */
public final class ProxyBenchmark {

    private static final String NS = "bench";
    /**
     * The agent pod's node, which the proxy serves. kwok keeps it Ready, so the pod stays: a
     * pod bound to a node that does not exist (as "bench-node" was) is deleted by
     * kube-controller-manager's pod garbage collector 40 to 80 s after it is created, its
     * bound token dies with it, and every request after that answered 401, direct and proxied.
     */
    private static final String NODE = KubeApiServer.KWOK_NODE;

    public static void main(String[] args) {
        BenchEnvironment.main(ProxyBenchmark::run);
    }

    private static void run() throws Exception {
        int getRuns = Integer.getInteger("bench.get", 2000);
        int listRuns = Integer.getInteger("bench.list", 200);
        int secretRuns = Integer.getInteger("bench.secrets", 30);
        KubeApiServer cluster = KubeApiServer.shared();
        KubernetesClient admin = cluster.admin();

        System.err.println("setting up: CRDs, RBAC, 500 ConfigMaps, 1000 Secrets");
        BenchEnvironment.installProxyPrerequisites(cluster);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .serverSideApply();
        admin.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("agent").endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(NS).resource(new RoleBuilder().withNewMetadata().withName("agent")
                .endMetadata().addNewRule().withApiGroups("").withResources("configmaps", "secrets")
                .withVerbs("get", "list").endRule().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(NS).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("agent").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent")
                .addNewSubject().withKind("ServiceAccount").withName("agent").withNamespace(NS).endSubject()
                .build()).serverSideApply();
        String payload = "x".repeat(512);
        for (int i = 0; i < 500; i++) {
            admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("cm-" + i).endMetadata().addToData("value", payload).build()).serverSideApply();
        }
        for (int i = 0; i < 1000; i++) {
            admin.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("s-" + i)
                    .endMetadata().addToStringData("password", payload).addToStringData("user", "agent-" + i)
                    .build()).serverSideApply();
        }
        Pod pod = admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("agent")
                .endMetadata().withNewSpec().withServiceAccountName("agent").withNodeName(NODE)
                .addNewContainer().withName("agent").withImage("registry.invalid/agent:1").endContainer()
                .endSpec().build()).serverSideApply();
        String token = BenchEnvironment.boundToken(admin, pod);

        try (ProxyProcess proxy = BenchEnvironment.startProxy(cluster, NODE, Map.of())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(trusting(cluster.caCertificatePem(), proxy.caPem())).build();
            String direct = cluster.url().replaceAll("/+$", "");
            String proxied = "https://127.0.0.1:" + proxy.port();

            StringBuilder report = new StringBuilder();
            report.append("| request | runs | direct p50 | direct p99 | proxied p50 | proxied p99 | added p50 | added p99 | proxy CPU / request |\n");
            report.append("|---|---|---|---|---|---|---|---|---|\n");
            row(report, "GET one ConfigMap", getRuns, http, token, direct, proxied,
                    "/api/v1/namespaces/" + NS + "/configmaps/cm-1", proxy);
            row(report, "LIST 500 ConfigMaps", listRuns, http, token, direct, proxied,
                    "/api/v1/namespaces/" + NS + "/configmaps", proxy);
            row(report, "LIST 1000 Secrets (masked)", secretRuns, http, token, direct, proxied,
                    "/api/v1/namespaces/" + NS + "/secrets", proxy);

            byte[] secretList = send(http, token, direct + "/api/v1/namespaces/" + NS + "/secrets").body()
                    .getBytes(StandardCharsets.UTF_8);
            report.append("\n").append(maskingThroughput(secretList));
            System.out.println(report);
        } finally {
            admin.namespaces().withName(NS).delete();
        }
    }

    private static void row(StringBuilder report, String name, int runs, HttpClient http, String token,
            String direct, String proxied, String path, ProxyProcess proxy) throws Exception {
        int warmup = Math.max(10, runs / 10);
        measure(http, token, direct + path, warmup);
        measure(http, token, proxied + path, warmup);
        long[] directNanos = measure(http, token, direct + path, runs);
        long cpuBefore = BenchEnvironment.cpuTicks(proxy.app().pid());
        long[] proxiedNanos = measure(http, token, proxied + path, runs);
        long cpuTicks = BenchEnvironment.cpuTicks(proxy.app().pid()) - cpuBefore;
        double cpuMicrosPerRequest = cpuTicks * 1_000_000.0 / BenchEnvironment.CLOCK_TICKS_PER_SECOND / runs;
        report.append(String.format("| %s | %d | %s | %s | %s | %s | %s | %s | %.0f µs |%n", name, runs,
                ms(pct(directNanos, 50)), ms(pct(directNanos, 99)), ms(pct(proxiedNanos, 50)),
                ms(pct(proxiedNanos, 99)), ms(pct(proxiedNanos, 50) - pct(directNanos, 50)),
                ms(pct(proxiedNanos, 99) - pct(directNanos, 99)), cpuMicrosPerRequest));
    }

    private static long[] measure(HttpClient http, String token, String url, int runs) throws Exception {
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = send(http, token, url);
            nanos[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static HttpResponse<String> send(HttpClient http, String token, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Single-threaded masking of a real LIST body: the per-core throughput of the masker. */
    private static String maskingThroughput(byte[] body) {
        ObjectMapper mapper = new ObjectMapper();
        MaskingPlan plan = new MaskingPlan(true, List.of(), List.of(), false, List.of());
        int chunk = 16 * 1024;
        Runnable once = () -> {
            JsonStreamMasker masker = new JsonStreamMasker(mapper, new ObjectMasker(plan), JsonStreamMasker.Shape.LIST);
            for (int i = 0; i < body.length; i += chunk) {
                masker.feed(Arrays.copyOfRange(body, i, Math.min(body.length, i + chunk)));
            }
            masker.end();
        };
        for (int i = 0; i < 30; i++) {
            once.run();
        }
        int runs = 100;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            once.run();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double mbPerSecond = body.length * (double) runs / seconds / (1024 * 1024);
        return String.format("Masking throughput (JsonStreamMasker, one thread, LIST of 1000 Secrets = %.1f MiB,"
                + " 16 KiB chunks, %d runs): **%.0f MiB/s per core**%n", body.length / (1024.0 * 1024), runs,
                mbPerSecond);
    }

    private ProxyBenchmark() {
    }
}
