package dev.agentguard.proxy.bench;

import java.util.OptionalDouble;

import dev.agentguard.testing.bench.Samples;

/**
 * What one path measured for one request at one number of concurrent clients: each
 * measured request's latency, the wall time of all of them (for the rate), the CPU per
 * request of the processes between client and API server, and how many answers (warm-up
 * included) were checked and found right.
 *
 * @param hopCpuMicrosPerRequest empty on the direct path, which has nothing in between
 */
record ApiRow(String path, int clients, Samples latencies, long wallNanos, OptionalDouble hopCpuMicrosPerRequest,
        int checkedAnswers) {

    int requests() {
        return latencies.count();
    }

    double requestsPerSecond() {
        return requests() / (wallNanos / 1e9);
    }

    /**
     * The latency at {@code percentile}, nearest rank, as {@link Samples#percentile} but for
     * fractions (99.9): the tail a 64-client run shows and a p99 hides.
     */
    long percentile(double percentile) {
        long[] sorted = latencies.sorted();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
