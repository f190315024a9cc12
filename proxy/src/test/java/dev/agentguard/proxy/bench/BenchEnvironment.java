package dev.agentguard.proxy.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the benchmarks share: the test control plane prepared for the proxy (CRDs,
 * its namespace and RBAC), the packaged proxy run as its own process, and the
 * small measuring helpers (percentiles, CPU and memory from {@code /proc}).
 */
final class BenchEnvironment {

    /** Linux's USER_HZ: the unit of utime and stime in {@code /proc/<pid>/stat}. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private BenchEnvironment() {
    }

    /** Runs a benchmark's {@code main} and exits: Vert.x and informer threads would keep exec:java waiting. */
    static void main(Body body) {
        int status = 0;
        try {
            body.run();
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    /** The root of the agentguard checkout. */
    static Path repo() {
        return RepoFiles.find("manifests/crds").getParent().getParent();
    }

    /** The CRDs, {@code agentguard-system} and the proxy's RBAC, as the chart installs them. */
    static void installProxyPrerequisites(KubeApiServer cluster) {
        dev.agentguard.testing.kube.AgentGuardInstall.component(cluster, "proxy");
    }

    /** A token of the pod's ServiceAccount bound to the pod, as the kubelet mounts it. */
    static String boundToken(KubernetesClient admin, Pod pod) {
        return admin.serviceAccounts().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getSpec().getServiceAccountName()).tokenRequest(new TokenRequestBuilder().withNewSpec()
                        .withExpirationSeconds(3600L).withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                        .endBoundObjectRef().endSpec().build())
                .getStatus().getToken();
    }

    static SSLContext trusting(String... pems) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < pems.length; i++) {
            store.setCertificateEntry("ca" + i, CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(pems[i].getBytes(StandardCharsets.US_ASCII))));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    static void check(KubeApiServer.KubectlResult result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kubectl failed: " + result.stderr());
        }
    }

    /** The value at {@code percentile} of sorted samples (nearest rank). */
    static long pct(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    /** utime + stime of a process, in clock ticks (see proc(5)). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** A {@code Vm*} line of {@code /proc/<pid>/status} (VmRSS, VmHWM), in KiB. */
    static long memoryKiB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The packaged proxy, configured against the test control plane, in its own
     * process. Extra JVM flags (a profiler, say) come from the system property
     * {@code bench.proxy.jvm}.
     */
    record ProxyProcess(Process process, int port, String caPem, Path caFile, Path recordings)
            implements AutoCloseable {

        /**
         * @param node     the node this proxy serves (the agent pods' node)
         * @param settings further {@code AGENTGUARD_PROXY_*} environment variables
         */
        static ProxyProcess start(KubeApiServer cluster, String node, Map<String, String> settings)
                throws Exception {
            Path jar = repo().resolve("proxy/target/quarkus-app/quarkus-run.jar");
            // No operator runs here: publish the (empty) policy bundle the proxy waits for before it serves.
            cluster.admin().configMaps().resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                    .withNewMetadata().withName(dev.agentguard.api.policy.PolicyBundle.NAME)
                    .withNamespace(dev.agentguard.api.policy.PolicyBundle.NAMESPACE).endMetadata()
                    .withData(dev.agentguard.api.policy.PolicyBundle.build(List.of(), List.of()).data())
                    .build()).forceConflicts().serverSideApply();
            CertificateAuthority ca = CertificateAuthority.create("bench", Duration.ofHours(2));
            IssuedCertificate serving = ca.issueServer("proxy", List.of("localhost"), List.of("127.0.0.1"),
                    Duration.ofHours(2));
            Path dir = Files.createTempDirectory("proxy-bench");
            Files.writeString(dir.resolve("tls.crt"), serving.certificatePem());
            Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem());
            Path caFile = Files.writeString(dir.resolve("ca.crt"), ca.root().certificatePem());
            Path recordings = dir.resolve("recordings");
            int port = freePort();
            int health = freePort();
            List<String> command = new ArrayList<>(List.of("java"));
            String jvm = System.getProperty("bench.proxy.jvm", "").trim();
            if (!jvm.isEmpty()) {
                command.addAll(List.of(jvm.split("\\s+")));
            }
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("proxy.log").toFile());
            Map<String, String> env = new HashMap<>(Map.of(
                    "AGENTGUARD_PROXY_PORT", Integer.toString(port),
                    "AGENTGUARD_PROXY_HOST", "127.0.0.1",
                    "AGENTGUARD_PROXY_TLS_CERT_FILE", dir.resolve("tls.crt").toString(),
                    "AGENTGUARD_PROXY_TLS_KEY_FILE", dir.resolve("tls.key").toString(),
                    "AGENTGUARD_PROXY_NODE_NAME", node,
                    "AGENTGUARD_PROXY_RECORDING_DIRECTORY", recordings.toString(),
                    "QUARKUS_HTTP_PORT", Integer.toString(health),
                    "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", cluster.url(),
                    "QUARKUS_KUBERNETES_CLIENT_CA_CERT_DATA", Base64.getEncoder().encodeToString(
                            cluster.caCertificatePem().getBytes(StandardCharsets.UTF_8)),
                    "QUARKUS_KUBERNETES_CLIENT_TOKEN", cluster.tokenFor("agentguard-system", "agentguard-proxy")));
            env.putAll(settings);
            builder.environment().putAll(env);
            Process process = builder.start();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("proxy exited: " + Files.readString(dir.resolve("proxy.log")));
                }
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health
                            + "/q/health/ready")).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("proxy not ready in 60s");
                }
                // Polling the health endpoint; waitFor doubles as a bounded pause.
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
            return new ProxyProcess(process, port, ca.root().certificatePem(), caFile, recordings);
        }

        long cpuTicks() throws IOException {
            return BenchEnvironment.cpuTicks(process.pid());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }
}
