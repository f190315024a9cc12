package dev.agentguard.proxy.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
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
     * The packaged proxy against the test control plane, ready. No operator runs here, so
     * the (empty) policy bundle the proxy waits for is published first. Extra JVM flags (a
     * profiler, say) come from the system property {@code bench.proxy.jvm}.
     *
     * @param settings further {@code AGENTGUARD_PROXY_*} environment variables
     */
    static ProxyProcess startProxy(KubeApiServer cluster, String node, Map<String, String> settings) {
        cluster.admin().configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(PolicyBundle.NAME)
                .withNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).endMetadata()
                .withData(PolicyBundle.build(List.of(), List.of()).data()).build()).forceConflicts().serverSideApply();
        String jvm = System.getProperty("bench.proxy.jvm", "").trim();
        ProxyProcess proxy = ProxyProcess.start(cluster, node, settings,
                jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+")));
        proxy.awaitReady(Duration.ofSeconds(60));
        return proxy;
    }
}
