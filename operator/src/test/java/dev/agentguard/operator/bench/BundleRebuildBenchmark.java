package dev.agentguard.operator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ApiRule;
import dev.agentguard.api.v1alpha1.PolicySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * What one proxy Lease renewal costs the operator, before and after it kept the bundle it
 * built: each renewal reconciles every policy, and each reconcile used to build the whole
 * bundle (compile and serialize every policy). Now a reconcile reuses the bundle built at
 * the last policy event. Measured in one run: the cost of one build, times the policies.
 * Not a test; run by {@code hack/bench/bundle-rebuild.sh}.
 */
public final class BundleRebuildBenchmark {

    private BundleRebuildBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = Integer.parseInt(System.getProperty("bench.rounds", "20"));
        System.out.println("| policies | bundle bytes | one build | per renewal, build per reconcile | per renewal, kept bundle |");
        System.out.println("|---|---|---|---|---|");
        for (int policies : new int[] {10, 100, 500}) {
            List<AgentPolicy> all = policies(policies);
            // Warm-up: JIT and Jackson's caches, as in a running operator.
            for (int i = 0; i < 5; i++) {
                build(all);
            }
            long best = Long.MAX_VALUE;
            int bytes = 0;
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                bytes = build(all);
                best = Math.min(best, System.nanoTime() - start);
            }
            // With the bundle kept, a reconcile still checks that the ConfigMap holds it: an
            // equality test of the data against the copy the ConfigMap informer saw.
            Map<String, String> kept = PolicyBundle.build(all, List.of()).data();
            Map<String, String> seen = Map.copyOf(kept.entrySet().stream().collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> new String(e.getValue()))));
            long bestCheck = Long.MAX_VALUE;
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                if (!kept.equals(seen)) {
                    throw new IllegalStateException("copies differ");
                }
                bestCheck = Math.min(bestCheck, System.nanoTime() - start);
            }
            // A renewal reconciles every policy: N builds before, N checks now.
            System.out.printf("| %d | %d | %.2f ms | %.1f ms | %.2f ms |%n", policies, bytes, best / 1e6,
                    best * (double) policies / 1e6, bestCheck * (double) policies / 1e6);
        }
    }

    private static int build(List<AgentPolicy> policies) {
        Map<String, String> data = PolicyBundle.build(policies, List.of()).data();
        return data.values().stream().mapToInt(String::length).sum();
    }

    /** Policies of five rules each, like a team's namespace policy. */
    private static List<AgentPolicy> policies(int count) {
        List<AgentPolicy> policies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AgentPolicy policy = new AgentPolicy();
            policy.setMetadata(new ObjectMetaBuilder().withNamespace("team-" + i).withName("agents")
                    .withGeneration(1L).build());
            PolicySpec spec = new PolicySpec();
            List<ApiRule> rules = new ArrayList<>();
            for (String resource : List.of("secrets", "configmaps", "pods/exec", "serviceaccounts/token", "nodes")) {
                rules.add(new ApiRule("no-" + resource.replace('/', '-'), Action.Deny, List.of("get", "list", "create"),
                        List.of(""), List.of(resource), null, null, "not for agents in team " + i));
            }
            spec.setRules(rules);
            policy.setSpec(spec);
            policies.add(policy);
        }
        return policies;
    }
}
