package dev.agentguard.testing.bench;

import java.util.Arrays;

/** Measured durations (nanoseconds), sorted once, for a report's percentiles. */
public record Samples(long[] sorted) {

    public Samples {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        sorted = sorted.clone();
        Arrays.sort(sorted);
    }

    public static Samples of(long... nanos) {
        return new Samples(nanos);
    }

    /** The value at {@code percentile} (nearest rank). */
    public long percentile(int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    public long max() {
        return sorted[sorted.length - 1];
    }

    public int count() {
        return sorted.length;
    }
}
