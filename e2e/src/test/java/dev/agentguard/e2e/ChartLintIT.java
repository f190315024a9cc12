package dev.agentguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.agentguard.testing.chart.Helm;

/** helm lint --strict (warnings fail too) with the defaults and with every optional value set. */
class ChartLintIT {

    private final Helm helm = Helm.offline();

    @Test
    void defaultValuesLintStrictly() {
        Helm.Result result = helm.run("lint", "--strict", Helm.chart().toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @Test
    void customValuesLintStrictly() {
        Helm.Result result = helm.run("lint", "--strict", Helm.chart().toString(),
                "-f", Helm.chart().resolve("ci/custom-values.yaml").toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    }
}
