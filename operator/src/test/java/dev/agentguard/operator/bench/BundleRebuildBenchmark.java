package dev.agentguard.operator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ApiRule;
import dev.agentguard.api.v1alpha1.PolicySpec;
import dev.agentguard.testing.bench.BenchMain;
import dev.agentguard.testing.bench.WrongAnswer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * What one proxy Lease renewal costs the operator, before and after it kept the bundle it
 * built: each renewal reconciles every policy, and each reconcile used to build the whole
 * bundle (compile and serialize every policy). Now a reconcile reuses the bundle built at
 * the last policy event. Measured in one run: the cost of one build, times the policies.
 * Every bundle is checked to hold every policy, as the proxy reads it. Not a test; run by
 * {@code hack/bench/bundle-rebuild.sh}; {@code BundleRebuildBenchmarkSmokeIT} runs it with
 * tiny parameters in the test suite.
 */
public final class BundleRebuildBenchmark {

    private static final int WARMUP_BUILDS = 5;

    private BundleRebuildBenchmark() {
    }

    public static void main(String[] args) {
        BenchMain.run(() -> System.out.print(run(RebuildParameters.fromSystemProperties()).markdown()));
    }

    static RebuildReport run(RebuildParameters parameters) {
        List<RebuildRow> rows = new ArrayList<>();
        for (int count : parameters.policyCounts()) {
            rows.add(row(policies(count), parameters.rounds()));
        }
        return new RebuildReport(rows);
    }

    private static RebuildRow row(List<AgentPolicy> policies, int rounds) {
        Map<String, String> kept = checkedBuild(policies);
        // Warm-up: JIT and Jackson's caches, as in a running operator.
        for (int i = 0; i < WARMUP_BUILDS; i++) {
            build(policies);
        }
        long bestBuild = Long.MAX_VALUE;
        int bytes = 0;
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            bytes = build(policies);
            bestBuild = Math.min(bestBuild, System.nanoTime() - start);
        }
        // With the bundle kept, a reconcile still checks that the ConfigMap holds it: an
        // equality test of the data against the copy the ConfigMap informer saw (other
        // String instances, as deserialized, so the test compares characters).
        Map<String, String> seen = Map.copyOf(kept.entrySet().stream().collect(
                Collectors.toMap(Map.Entry::getKey, e -> new String(e.getValue()))));
        long bestCheck = Long.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            boolean same = kept.equals(seen);
            bestCheck = Math.min(bestCheck, System.nanoTime() - start);
            if (!same) {
                throw new WrongAnswer("the kept-bundle check", "a bundle and its copy differ");
            }
        }
        return new RebuildRow(policies.size(), bytes, bestBuild, bestCheck);
    }

    /**
     * A build, checked once outside the timing: every policy compiled (none rejected) and in
     * the bundle, and the proxy's reading of it compiles every one. A timing of a build that
     * drops policies would flatter it.
     */
    private static Map<String, String> checkedBuild(List<AgentPolicy> policies) {
        PolicyBundle.Built built = PolicyBundle.build(policies, List.of());
        String what = "the bundle of " + policies.size() + " policies";
        if (!built.rejected().isEmpty()) {
            throw new WrongAnswer(what, "rejected " + built.rejected());
        }
        if (built.entries().size() != policies.size()) {
            throw new WrongAnswer(what, "holds " + built.entries().size() + " entries");
        }
        int compiled = PolicyBundle.parse(built.data()).size();
        if (compiled != policies.size()) {
            throw new WrongAnswer(what, "compiles to " + compiled + " policies on the proxy's side");
        }
        return built.data();
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
