package dev.agentguard.proxy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.WithKubeApiServer;

/**
 * {@code hack/bench/proxy-api.sh} in the test suite, with a few requests, objects and
 * clients: the benchmark runs to its report, and every answer on every path (direct,
 * kubectl proxy, proxy only, shim + proxy) at every number of clients was the right one
 * (the benchmark checks each and stops at the first wrong one). No timing is asserted.
 */
@WithKubeApiServer
class ProxyBenchmarkSmokeIT {

    private static final List<String> PATHS = List.of("direct", "kubectl proxy", "proxy only", "shim + proxy");

    @Test
    void everyRequestIsAnsweredRightOnEveryPathAtEveryConcurrency(KubeApiServer cluster) throws Exception {
        ApiBenchParameters smoke = ApiBenchParameters.SMOKE;

        ApiReport report = ProxyBenchmark.run(cluster, smoke);

        System.out.print(report.markdown());
        assertThat(report.tables()).extracting(ApiTable::request).containsExactly("GET one ConfigMap",
                "LIST " + smoke.configMaps() + " ConfigMaps", "LIST " + smoke.secrets() + " Secrets (masked)");
        List<Integer> runs = List.of(smoke.getRuns(), smoke.listRuns(), smoke.secretRuns());
        for (int i = 0; i < runs.size(); i++) {
            int requestRuns = runs.get(i);
            List<ApiRow> rows = report.tables().get(i).rows();
            assertThat(rows).extracting(ApiRow::clients, ApiRow::path).containsExactlyElementsOf(everyPathAtEach(
                    smoke.concurrency()));
            // Warm-up and measured requests of every client: every one was checked and found right.
            assertThat(rows).allSatisfy(row -> {
                assertThat(row.requests()).isEqualTo(row.clients()
                        * ApiBenchParameters.perClient(requestRuns, row.clients()));
                assertThat(row.checkedAnswers()).isEqualTo(row.requests() + row.clients()
                        * ApiBenchParameters.perClient(ApiBenchParameters.warmup(requestRuns), row.clients()));
            });
        }
        assertThat(report.masking().secrets()).isEqualTo(smoke.secrets());
        assertThat(report.masking().runs()).isEqualTo(smoke.maskingRuns());
    }

    private static List<Tuple> everyPathAtEach(List<Integer> concurrency) {
        List<Tuple> rows = new ArrayList<>();
        for (int clients : concurrency) {
            PATHS.forEach(path -> rows.add(tuple(clients, path)));
        }
        return rows;
    }
}
