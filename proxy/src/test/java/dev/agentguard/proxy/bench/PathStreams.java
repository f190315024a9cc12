package dev.agentguard.proxy.bench;

import java.util.Map;

import dev.agentguard.testing.bench.Samples;

/**
 * One path's measured streams of one workload: the rates (sorted), the times to the first
 * byte, how many sessions ended short, and the CPU ticks each process spent over the runs
 * for the bytes received.
 */
record PathStreams(String path, Rates rates, Samples firstByte, int shortRuns, Map<String, Long> cpuTicks,
        long bytes) {

    PathStreams {
        cpuTicks = Map.copyOf(cpuTicks);
    }

    int runs() {
        return rates.count();
    }

    double medianRate() {
        return rates.median();
    }
}
