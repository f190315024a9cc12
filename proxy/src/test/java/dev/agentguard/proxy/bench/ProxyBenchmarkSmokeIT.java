package dev.agentguard.proxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.WithKubeApiServer;

/**
 * {@code hack/bench/proxy-api.sh} in the test suite, with a few requests and objects: the
 * benchmark runs to its report, and every answer on both paths was the right one (the
 * benchmark checks each and stops at the first wrong one). No timing is asserted.
 */
@WithKubeApiServer
class ProxyBenchmarkSmokeIT {

    @Test
    void everyRequestIsAnsweredRightDirectAndThroughTheProxy(KubeApiServer cluster) throws Exception {
        ApiBenchParameters smoke = ApiBenchParameters.SMOKE;

        ApiReport report = ProxyBenchmark.run(cluster, smoke);

        System.out.print(report.markdown());
        assertThat(report.rows()).extracting(ApiRow::name).containsExactly("GET one ConfigMap",
                "LIST " + smoke.configMaps() + " ConfigMaps", "LIST " + smoke.secrets() + " Secrets (masked)");
        // Warm-up and measured runs, on both paths: every one was checked and found right.
        assertThat(report.rows()).extracting(ApiRow::checkedAnswers).containsExactly(
                checked(smoke.getRuns()), checked(smoke.listRuns()), checked(smoke.secretRuns()));
        assertThat(report.rows()).extracting(row -> row.proxied().count()).containsExactly(smoke.getRuns(),
                smoke.listRuns(), smoke.secretRuns());
        assertThat(report.masking().secrets()).isEqualTo(smoke.secrets());
        assertThat(report.masking().runs()).isEqualTo(smoke.maskingRuns());
    }

    private static int checked(int runs) {
        return 2 * (ApiBenchParameters.warmup(runs) + runs);
    }
}
