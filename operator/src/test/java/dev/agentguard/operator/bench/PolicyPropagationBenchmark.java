package dev.agentguard.operator.bench;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Benchmark (not a test): how long from applying a policy edit until the proxy
 * enforces it. The packaged operator and the packaged proxy run in their own
 * processes, each as its own ServiceAccount, against the test kube-apiserver.
 * One edit at a time; each is timed from just before the apply until the
 * proxy's Lease reports a bundle version that holds the edit's generation (the
 * proxy renews its Lease right after swapping the bundle in, so this is
 * enforcement plus one Lease write). Prints Markdown.
 */
public final class PolicyPropagationBenchmark {

    private static final String NODE = "node-bench";
    private static final String NS = "propagation-bench";

    public static void main(String[] args) throws Exception {
        int status = 0;
        try {
            run(Integer.getInteger("bench.edits", 200));
        } catch (Throwable e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static void run(int edits) throws Exception {
        KubeApiServer cluster = KubeApiServer.shared();
        KubernetesClient admin = cluster.admin();
        AgentGuardInstall.component(cluster, "operator");
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .serverSideApply();
        Path jar = RepoFiles.find("operator/target/quarkus-app/quarkus-run.jar");
        Path log = Files.createTempFile("operator-bench", ".log");
        int health;
        try (ServerSocket socket = new ServerSocket(0)) {
            health = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(Map.of(
                // Not prod: no leader election (one replica here).
                "QUARKUS_PROFILE", "bench",
                "QUARKUS_HTTP_PORT", Integer.toString(health),
                "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", cluster.url(),
                "QUARKUS_KUBERNETES_CLIENT_CA_CERT_DATA", Base64.getEncoder().encodeToString(
                        cluster.caCertificatePem().getBytes(StandardCharsets.UTF_8)),
                "QUARKUS_KUBERNETES_CLIENT_TOKEN", cluster.tokenFor("agentguard-system", "agentguard-operator")));
        Process operator = builder.start();
        Map<String, Long> generationByVersion = new ConcurrentHashMap<>();
        SharedIndexInformer<ConfigMap> bundles = admin.configMaps().inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withName(PolicyBundle.NAME).inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap obj) {
                        record(obj, generationByVersion);
                    }

                    @Override
                    public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                        record(newObj, generationByVersion);
                    }

                    @Override
                    public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                    }
                });
        SharedIndexInformer<Lease> leases = admin.resources(Lease.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withName(PolicyBundle.LEASE_PREFIX + NODE).inform();
        try (ProxyProcess proxy = ProxyProcess.start(cluster, NODE)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (proxy.readiness() != 200) {
                if (!operator.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("not ready; operator log " + log + ", proxy log " + proxy.app().directory());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            int warmUp = Math.max(5, edits / 10);
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < warmUp + edits; i++) {
                long start = System.nanoTime();
                long generation = apply(admin, i);
                long until = start + TimeUnit.SECONDS.toNanos(30);
                while (!enforced(leases, generationByVersion, generation)) {
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException("edit " + i + " not enforced in 30s");
                    }
                    // Reads the informers' caches only: a 0.2 ms resolution, no API calls.
                    LockSupport.parkNanos(200_000);
                }
                if (i >= warmUp) {
                    micros.add((System.nanoTime() - start) / 1000);
                }
            }
            Collections.sort(micros);
            System.out.println("| edits | p50 | p90 | p99 | max |");
            System.out.println("|---|---|---|---|---|");
            System.out.printf("| %d | %s | %s | %s | %s |%n", micros.size(), ms(pct(micros, 50)), ms(pct(micros, 90)),
                    ms(pct(micros, 99)), ms(micros.get(micros.size() - 1)));
        } finally {
            bundles.close();
            leases.close();
            operator.destroy();
            operator.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long apply(KubernetesClient admin, int edit) {
        String yaml = """
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata:
                  name: bench
                  namespace: %s
                spec:
                  mode: Enforce
                  rules:
                    - name: no-secrets
                      action: Deny
                      verbs: [get, list, watch]
                      apiGroups: [""]
                      resources: [secrets]
                      reason: edit %d
                """.formatted(NS, edit);
        var applied = admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).forceConflicts()
                .serverSideApply();
        return applied.get(0).getMetadata().getGeneration();
    }

    @SuppressWarnings("unchecked")
    private static void record(ConfigMap bundle, Map<String, Long> generationByVersion) {
        Map<String, String> data = bundle.getData();
        if (data == null || data.get(PolicyBundle.VERSION_KEY) == null) {
            return;
        }
        for (Object entry : Serialization.unmarshal(data.get(PolicyBundle.POLICIES_KEY), List.class)) {
            Map<String, Object> e = (Map<String, Object>) entry;
            if ("bench".equals(e.get("name")) && NS.equals(e.get("namespace"))) {
                generationByVersion.put(data.get(PolicyBundle.VERSION_KEY), ((Number) e.get("generation")).longValue());
            }
        }
    }

    private static boolean enforced(SharedIndexInformer<Lease> leases, Map<String, Long> generationByVersion,
            long generation) {
        for (Lease lease : leases.getStore().list()) {
            String version = lease.getMetadata().getAnnotations() == null ? null
                    : lease.getMetadata().getAnnotations().get(PolicyBundle.LEASE_ANNOTATION);
            Long running = version == null ? null : generationByVersion.get(version);
            if (running != null && running >= generation) {
                return true;
            }
        }
        return false;
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String ms(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }
}
