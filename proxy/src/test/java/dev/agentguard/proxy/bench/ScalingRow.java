package dev.agentguard.proxy.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One path's runs of N concurrent exec sessions: the aggregate throughput of each run (all
 * sessions' stdout bytes over the run's wall time, first open to last close), the CPU
 * ticks each process spent, the sessions that came back short, and the proxy's peak RSS
 * after this count's runs (VmHWM, so it only grows from one count to the next).
 */
record ScalingRow(int sessions, String path, Rates rates, Map<String, Long> cpuTicks, long bytes,
        int shortSessions, int complete, long proxyPeakKiB) {

    ScalingRow {
        cpuTicks = Map.copyOf(cpuTicks);
    }

    int runs() {
        return rates.count();
    }

    double medianRate() {
        return rates.median();
    }

    /** Sums up the runs as they come. */
    static final class Builder {
        private final int sessions;
        private final String path;
        private final double[] rates;
        private final Map<String, Long> cpuTicks = new HashMap<>();
        private int measured;
        private long bytes;
        private int shortSessions;
        private int complete;

        Builder(int sessions, String path, int runs) {
            this.sessions = sessions;
            this.path = path;
            this.rates = new double[runs];
        }

        void run(List<StreamSession> batch, long wallNanos, Map<String, Long> before, Map<String, Long> after) {
            after.forEach((name, value) -> cpuTicks.merge(name, value - before.getOrDefault(name, value), Long::sum));
            long batchBytes = batch.stream().mapToLong(StreamSession::bytes).sum();
            rates[measured++] = batchBytes / (double) ExecBenchParameters.MIB / (wallNanos / 1e9);
            bytes += batchBytes;
            for (StreamSession session : batch) {
                complete += session.complete() ? 1 : 0;
                shortSessions += session.complete() ? 0 : 1;
            }
        }

        ScalingRow build(long proxyPeakKiB) {
            return new ScalingRow(sessions, path, new Rates(rates), cpuTicks, bytes, shortSessions, complete, proxyPeakKiB);
        }
    }
}
