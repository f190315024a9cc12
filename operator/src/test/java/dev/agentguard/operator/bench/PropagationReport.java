package dev.agentguard.operator.bench;

import dev.agentguard.testing.bench.Samples;

/** The timed edits, from just before the apply until the proxy was seen to enforce it; printed as Markdown. */
record PropagationReport(Samples nanos) {

    String markdown() {
        return "| edits | p50 | p90 | p99 | max |\n|---|---|---|---|---|\n"
                + String.format("| %d | %s | %s | %s | %s |%n", nanos.count(), ms(nanos.percentile(50)),
                        ms(nanos.percentile(90)), ms(nanos.percentile(99)), ms(nanos.max()));
    }

    private static String ms(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }
}
