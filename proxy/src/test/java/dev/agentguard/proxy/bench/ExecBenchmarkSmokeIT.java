package dev.agentguard.proxy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.WithKubeApiServer;

/**
 * {@code hack/bench/exec.sh} in the test suite, with a little output and a few keys: the
 * benchmark runs to its report on every path and proxy setting. It checks every session
 * itself (stdout exactly what the command prints, Status Success, each key echoed, the
 * proxy's AgentSession completed with the bytes the client got) and stops at the first
 * wrong one. A session kube-apiserver cut short (kubernetes/kubernetes#124571) is counted
 * in the report, not failed, but a path where no session streamed everything fails. No
 * timing is asserted.
 */
@WithKubeApiServer
class ExecBenchmarkSmokeIT {

    @Test
    void everyExecPathStreamsAndEchoesWhatItMust(KubeApiServer cluster) throws Exception {
        ExecBenchParameters smoke = ExecBenchParameters.SMOKE;

        ExecReport report = ExecBenchmark.run(cluster, smoke);

        System.out.print(report.markdown());
        assertThat(report.streams()).hasSize(2).allSatisfy(workload -> assertThat(workload.paths())
                .extracting(PathStreams::path, PathStreams::runs)
                .containsExactly(tuple("direct", smoke.runs()),
                        tuple("proxy only", smoke.runs()),
                        tuple("shim + proxy", smoke.runs())));
        assertThat(report.typing()).extracting(TypingRow::name).containsExactly("direct",
                "proxy only, partial-line-delay 10ms (default)", "shim + proxy, partial-line-delay 10ms (default)",
                "proxy only, partial-line-delay 0ms", "shim + proxy, partial-line-delay 0ms");
        assertThat(report.typing()).allSatisfy(row -> assertThat(row.nanos().count()).isEqualTo(smoke.keystrokes()));
        // Every path at every count of concurrent sessions; each of its sessions was checked, and at least one whole.
        assertThat(report.scaling()).extracting(ScalingRow::sessions, ScalingRow::path).containsExactly(
                tuple(1, "direct"), tuple(1, "proxy only"), tuple(1, "shim + proxy"),
                tuple(4, "direct"), tuple(4, "proxy only"), tuple(4, "shim + proxy"));
        assertThat(report.scaling()).allSatisfy(row -> assertThat(row.complete()).isPositive());
    }
}
