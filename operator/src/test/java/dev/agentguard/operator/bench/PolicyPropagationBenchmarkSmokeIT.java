package dev.agentguard.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.WithKubeApiServer;

/**
 * {@code hack/bench/policy-propagation.sh} in the test suite, with three edits: the packaged
 * operator and proxy start, and every edit reaches the proxy (the benchmark fails an edit
 * the proxy's Lease never reports). No timing is asserted.
 */
@WithKubeApiServer
class PolicyPropagationBenchmarkSmokeIT {

    @Test
    void everyEditIsEnforcedByTheProxy(KubeApiServer cluster) throws Exception {
        PropagationParameters smoke = PropagationParameters.SMOKE;

        PropagationReport report = PolicyPropagationBenchmark.run(cluster, smoke);

        System.out.print(report.markdown());
        assertThat(report.nanos().count()).isEqualTo(smoke.edits());
    }
}
