package dev.agentguard.operator.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.testing.apps.OperatorProcess;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.bench.BenchMain;
import dev.agentguard.testing.bench.Samples;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Benchmark (not a test): how long from applying a policy edit until the proxy
 * enforces it. The packaged operator and the packaged proxy run in their own
 * processes, each as its own ServiceAccount, against the test kube-apiserver.
 * One edit at a time; each is timed from just before the apply until the
 * proxy's Lease reports a bundle version that holds the edit's generation (the
 * proxy renews its Lease right after swapping the bundle in, so this is
 * enforcement plus one Lease write). An edit that never arrives fails the run. Prints
 * Markdown. Run by {@code hack/bench/policy-propagation.sh};
 * {@code PolicyPropagationBenchmarkSmokeIT} runs it with tiny parameters in the test suite.
 */
public final class PolicyPropagationBenchmark {

    /** No pod runs on it: the proxy only needs a node name for its Lease. */
    static final String NODE = "node-bench";
    static final String NS = "propagation-bench";
    static final String POLICY = "bench";
    /** Far above any propagation time measured: past it, the edit was lost, not slow. */
    private static final Duration LOST = Duration.ofSeconds(30);

    private PolicyPropagationBenchmark() {
    }

    public static void main(String[] args) {
        BenchMain.run(() -> System.out.print(run(KubeApiServer.shared(), PropagationParameters.fromSystemProperties())
                .markdown()));
    }

    static PropagationReport run(KubeApiServer cluster, PropagationParameters parameters) throws Exception {
        KubernetesClient admin = cluster.admin();
        String operatorToken = AgentGuardInstall.component(cluster, "operator");
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .serverSideApply();
        // In a test run an operator under test may run in the test JVM as well: two replicas
        // without leader election. Both build the same bundle (its version is a content hash).
        try (OperatorProcess operator = OperatorProcess.start(cluster, operatorToken, Map.of());
                EnforcementWatch watch = new EnforcementWatch(admin, NS, POLICY, NODE);
                ProxyProcess proxy = ProxyProcess.start(cluster, NODE)) {
            // Ready once it has the operator's first bundle.
            proxy.awaitReady(Duration.ofSeconds(120));
            long[] nanos = new long[parameters.edits()];
            for (int i = 0; i < parameters.warmUp() + parameters.edits(); i++) {
                long start = System.nanoTime();
                long enforced = watch.awaitEnforced(apply(admin, i), LOST);
                if (i >= parameters.warmUp()) {
                    nanos[i - parameters.warmUp()] = enforced - start;
                }
            }
            return new PropagationReport(Samples.of(nanos));
        } finally {
            admin.namespaces().withName(NS).delete();
            // The stopped proxy's Lease would count as a live proxy for 45 s more, in the status of
            // every policy an operator under test reconciles then ("1/2" where a test expects "1/1").
            admin.resources(Lease.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                    .withName(PolicyBundle.LEASE_PREFIX + NODE).delete();
        }
    }

    /** Edit {@code edit} of the policy (a new reason, so a new generation); returns that generation. */
    private static long apply(KubernetesClient admin, int edit) {
        String yaml = """
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata:
                  name: %s
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
                """.formatted(POLICY, NS, edit);
        var applied = admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).forceConflicts()
                .serverSideApply();
        return applied.get(0).getMetadata().getGeneration();
    }
}
