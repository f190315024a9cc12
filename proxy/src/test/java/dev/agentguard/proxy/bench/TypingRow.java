package dev.agentguard.proxy.bench;

import dev.agentguard.testing.bench.Samples;

/** The keystroke round trips measured on one path, each echo checked. */
record TypingRow(String name, Samples nanos) {

    String markdown() {
        return String.format("| %s | %s | %s | %s | %s |%n", name, ms(nanos.percentile(50)), ms(nanos.percentile(90)),
                ms(nanos.percentile(99)), ms(nanos.max()));
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }
}
