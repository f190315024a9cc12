package dev.agentguard.operator.bench;

/**
 * One policy count: the bundle's size, the best time of one build and of one check that the
 * ConfigMap holds the kept bundle. A renewal reconciles every policy: {@code policies}
 * builds before, as many checks now.
 */
record RebuildRow(int policies, int bundleBytes, long bestBuildNanos, long bestCheckNanos) {

    String markdown() {
        return String.format("| %d | %d | %.2f ms | %.1f ms | %.2f ms |%n", policies, bundleBytes, bestBuildNanos / 1e6,
                bestBuildNanos * (double) policies / 1e6, bestCheckNanos * (double) policies / 1e6);
    }
}
