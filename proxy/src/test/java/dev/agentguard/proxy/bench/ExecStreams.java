package dev.agentguard.proxy.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.agentguard.proxy.bench.ExecClient.Endpoint;
import dev.agentguard.testing.bench.Samples;
import dev.agentguard.testing.bench.WrongAnswer;
import io.vertx.core.Vertx;

/**
 * Streams a workload's output on every path: one warm-up session per path, then the paths
 * take turns for each run, so drift (page cache, a neighbour's build) touches every path
 * alike. Every session is checked ({@link StreamSession#of}); a session through the proxy
 * also against the proxy's AgentSession ({@link ProxySessions#checkRecorded}).
 */
final class ExecStreams {

    private final Vertx vertx;
    private final ExecBenchParameters parameters;
    private final CpuMeter cpu;
    private final ProxySessions sessions;

    ExecStreams(Vertx vertx, ExecBenchParameters parameters, CpuMeter cpu, ProxySessions sessions) {
        this.vertx = vertx;
        this.parameters = parameters;
        this.cpu = cpu;
        this.sessions = sessions;
    }

    /** What one path's sessions of one workload gave so far. */
    private static final class Tally {
        final double[] rates;
        final long[] firstByte;
        final Map<String, Long> cpuTicks = new HashMap<>();
        int measured;
        /** Whole sessions, warm-up included; short ones of the measured runs (the report's "incomplete"). */
        int complete;
        int shortRuns;
        long bytes;

        Tally(int runs) {
            rates = new double[runs];
            firstByte = new long[runs];
        }

        void warmUp(StreamSession session) {
            complete += session.complete() ? 1 : 0;
        }

        void measured(StreamSession session, Map<String, Long> before, Map<String, Long> after) {
            after.forEach((name, value) -> cpuTicks.merge(name, value - before.getOrDefault(name, value), Long::sum));
            rates[measured] = session.rate();
            firstByte[measured] = session.firstByteNanos();
            measured++;
            complete += session.complete() ? 1 : 0;
            shortRuns += session.complete() ? 0 : 1;
            bytes += session.bytes();
        }

        PathStreams streams(String path) {
            return new PathStreams(path, new Rates(rates), Samples.of(firstByte), shortRuns, cpuTicks, bytes);
        }
    }

    WorkloadStreams run(Workload workload, List<Endpoint> paths, Proxied proxied) throws Exception {
        int runs = parameters.runs();
        System.err.printf("streaming %s: warm-up, then %d runs per path%n", workload.name(), runs);
        List<Tally> tallies = new ArrayList<>();
        for (Endpoint path : paths) {
            Tally tally = new Tally(runs);
            StreamSession session = stream(path, workload);
            recorded(path, session, proxied);
            tally.warmUp(session);
            tallies.add(tally);
        }
        for (int i = 0; i < runs; i++) {
            // Taking turns, so drift (page cache, a neighbour's build) touches every path alike.
            StringBuilder progress = new StringBuilder("  run " + (i + 1) + ":");
            for (int p = 0; p < paths.size(); p++) {
                Endpoint path = paths.get(p);
                Map<String, Long> before = cpu.read(proxied);
                StreamSession session = stream(path, workload);
                Map<String, Long> after = cpu.read(proxied);
                // The proxy seals the recording after the session: outside this window, and not in the next one.
                recorded(path, session, proxied);
                tallies.get(p).measured(session, before, after);
                progress.append(String.format(" %s %.0f MiB/s%s", path.name(), session.rate(),
                        session.complete() ? "" : " (short)"));
            }
            System.err.println(progress);
        }
        List<PathStreams> streams = new ArrayList<>();
        for (int p = 0; p < paths.size(); p++) {
            if (tallies.get(p).complete == 0) {
                // Short now and then is kube-apiserver's (see StreamSession); never whole is a broken path.
                throw new WrongAnswer(paths.get(p).name() + " exec of " + workload.uri(), "not one of its "
                        + (runs + 1) + " sessions streamed the whole output");
            }
            streams.add(tallies.get(p).streams(paths.get(p).name()));
        }
        return new WorkloadStreams(workload, streams);
    }

    private void recorded(Endpoint path, StreamSession session, Proxied proxied) throws Exception {
        if (path.viaProxy()) {
            sessions.checkRecorded(path.name(), session.bytes(), proxied.proxy());
        }
    }

    /** One exec streaming the workload's output, read to the end and checked. */
    private StreamSession stream(Endpoint path, Workload workload) throws Exception {
        try (ExecClient client = ExecClient.stream(vertx, path, workload.uri())) {
            client.awaitClose(10, TimeUnit.MINUTES);
            StreamSession session = StreamSession.of(path.name(), workload, parameters.bytes(), client);
            if (!session.complete()) {
                System.err.printf("    %s: short (%s): %s%n", path.name(),
                        client.status().isEmpty() ? "no Status" : "Success", client.debug());
            }
            return session;
        }
    }
}
