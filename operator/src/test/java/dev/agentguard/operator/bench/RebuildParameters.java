package dev.agentguard.operator.bench;

import java.util.List;

/**
 * How much the bundle benchmark does: timed rounds per case, and the policy counts compared.
 * The script's run reads the rounds from {@code bench.rounds}; the smoke test uses
 * {@link #SMOKE}, which only shows that every case builds and checks what it must.
 */
record RebuildParameters(int rounds, List<Integer> policyCounts) {

    static final RebuildParameters SMOKE = new RebuildParameters(1, List.of(1, 3));

    RebuildParameters {
        policyCounts = List.copyOf(policyCounts);
        if (rounds < 1 || policyCounts.isEmpty() || policyCounts.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("rounds and policy counts must be positive: " + rounds + ", "
                    + policyCounts);
        }
    }

    /** {@code hack/bench/bundle-rebuild.sh [rounds]}. */
    static RebuildParameters fromSystemProperties() {
        return new RebuildParameters(Integer.getInteger("bench.rounds", 20), List.of(10, 100, 500));
    }
}
