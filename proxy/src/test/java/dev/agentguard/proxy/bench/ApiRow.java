package dev.agentguard.proxy.bench;

import dev.agentguard.testing.bench.Samples;

/**
 * What one request measured: both paths' latencies, the proxy's CPU per proxied request, and
 * how many answers (warm-up included, both paths) were checked and found right.
 */
record ApiRow(String name, Samples direct, Samples proxied, double proxyCpuMicrosPerRequest, int checkedAnswers) {

    String markdown() {
        return String.format("| %s | %d | %s | %s | %s | %s | %s | %s | %.0f µs |%n", name, proxied.count(),
                ms(direct.percentile(50)), ms(direct.percentile(99)), ms(proxied.percentile(50)),
                ms(proxied.percentile(99)), ms(proxied.percentile(50) - direct.percentile(50)),
                ms(proxied.percentile(99) - direct.percentile(99)), proxyCpuMicrosPerRequest);
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }
}
