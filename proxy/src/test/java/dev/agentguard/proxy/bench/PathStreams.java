package dev.agentguard.proxy.bench;

import java.util.Arrays;
import java.util.Map;

import dev.agentguard.testing.bench.Samples;

/**
 * One path's measured streams of one workload: the rates (sorted), the times to the first
 * byte, how many sessions ended short, and the CPU ticks each process spent over the runs
 * for the bytes received.
 */
record PathStreams(String path, double[] sortedRates, Samples firstByte, int shortRuns, Map<String, Long> cpuTicks,
        long bytes) {

    PathStreams {
        sortedRates = sortedRates.clone();
        Arrays.sort(sortedRates);
        cpuTicks = Map.copyOf(cpuTicks);
    }

    int runs() {
        return sortedRates.length;
    }

    double medianRate() {
        int n = sortedRates.length;
        return n % 2 == 1 ? sortedRates[n / 2] : (sortedRates[n / 2 - 1] + sortedRates[n / 2]) / 2;
    }
}
