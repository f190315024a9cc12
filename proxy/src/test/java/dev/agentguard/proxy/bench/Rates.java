package dev.agentguard.proxy.bench;

import java.util.Arrays;

/** Throughputs of a benchmark's runs, in MiB/s, sorted: their count, median and range. */
record Rates(double[] sorted) {

    Rates {
        sorted = sorted.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    double median() {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    double min() {
        return sorted[0];
    }

    double max() {
        return sorted[sorted.length - 1];
    }
}
