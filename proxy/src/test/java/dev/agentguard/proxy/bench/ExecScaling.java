package dev.agentguard.proxy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import dev.agentguard.proxy.bench.ExecClient.Endpoint;
import dev.agentguard.testing.bench.WrongAnswer;
import io.vertx.core.Vertx;

/**
 * How the exec path's cost grows with concurrent sessions: for each count N, N sessions
 * stream at once on a path, each 1/N of the run's bytes, so every run moves the same
 * amount. The paths take turns for each run. Every session is checked as in
 * {@link ExecStreams}, and on a proxied path the proxy must have recorded all N.
 */
final class ExecScaling {

    private final Vertx vertx;
    private final ExecBenchParameters parameters;
    private final CpuMeter cpu;
    private final ProxySessions sessions;

    ExecScaling(Vertx vertx, ExecBenchParameters parameters, CpuMeter cpu, ProxySessions sessions) {
        this.vertx = vertx;
        this.parameters = parameters;
        this.cpu = cpu;
        this.sessions = sessions;
    }

    /** The rows on every path, counts in the order given; {@code workload} makes one printing so many bytes. */
    List<ScalingRow> run(LongFunction<Workload> workload, List<Endpoint> paths, Proxied proxied) throws Exception {
        List<ScalingRow> rows = new ArrayList<>();
        for (int n : parameters.sessions()) {
            long each = parameters.bytes() / n;
            Workload sized = workload.apply(each);
            System.err.printf("streaming %d sessions of %d bytes at once: %d runs per path%n", n, each,
                    parameters.scalingRuns());
            List<ScalingRow.Builder> builders = paths.stream().map(p -> new ScalingRow.Builder(n, p.name(),
                    parameters.scalingRuns())).toList();
            for (int run = 0; run < parameters.scalingRuns(); run++) {
                for (int p = 0; p < paths.size(); p++) {
                    Endpoint path = paths.get(p);
                    Map<String, Long> before = cpu.read(proxied);
                    long started = System.nanoTime();
                    List<StreamSession> batch = streamAtOnce(path, sized, n, each);
                    long ended = System.nanoTime();
                    Map<String, Long> after = cpu.read(proxied);
                    if (path.viaProxy()) {
                        sessions.checkRecorded(path.name(), batch.stream().map(StreamSession::bytes).toList(),
                                proxied.proxy());
                    }
                    builders.get(p).run(batch, ended - started, before, after);
                }
            }
            for (int p = 0; p < paths.size(); p++) {
                ScalingRow row = builders.get(p).build(ProcStat.memoryKiB(proxied.proxy().app().pid(), "VmHWM"));
                if (row.complete() == 0) {
                    throw new WrongAnswer(paths.get(p).name() + ", " + n + " sessions at once",
                            "not one session streamed the whole output");
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** N sessions opened together and read to their ends; each checked. */
    private List<StreamSession> streamAtOnce(Endpoint path, Workload workload, int n, long each) throws Exception {
        List<ExecClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                clients.add(ExecClient.stream(vertx, path, workload.uri()));
            }
            List<StreamSession> batch = new ArrayList<>();
            for (ExecClient client : clients) {
                client.awaitClose(10, TimeUnit.MINUTES);
                batch.add(StreamSession.of(path.name(), workload, each, client));
            }
            return batch;
        } finally {
            clients.forEach(ExecClient::close);
        }
    }
}
