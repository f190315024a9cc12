package dev.agentguard.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code hack/bench/bundle-rebuild.sh} in the test suite, with one round of small bundles:
 * every bundle holds every policy and the proxy's side compiles them all (the benchmark
 * checks both), and the kept bundle equals its copy. No timing is asserted.
 */
class BundleRebuildBenchmarkSmokeIT {

    @Test
    void everyBundleHoldsEveryPolicy() {
        RebuildParameters smoke = RebuildParameters.SMOKE;

        RebuildReport report = BundleRebuildBenchmark.run(smoke);

        System.out.print(report.markdown());
        assertThat(report.rows()).extracting(RebuildRow::policies).containsExactlyElementsOf(smoke.policyCounts());
        assertThat(report.rows()).allSatisfy(row -> assertThat(row.bundleBytes()).isPositive());
    }
}
