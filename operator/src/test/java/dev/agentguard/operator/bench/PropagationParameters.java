package dev.agentguard.operator.bench;

/**
 * How many policy edits the propagation benchmark times, after {@code warmUp} untimed ones.
 * The script's run reads {@code bench.edits}; the smoke test uses {@link #SMOKE}.
 */
record PropagationParameters(int edits, int warmUp) {

    /** One untimed and two timed edits: each must reach the proxy, too few for a figure. */
    static final PropagationParameters SMOKE = new PropagationParameters(2, 1);

    PropagationParameters {
        if (edits < 1 || warmUp < 0) {
            throw new IllegalArgumentException("edits must be positive, the warm-up not negative: " + edits + ", "
                    + warmUp);
        }
    }

    /** {@code hack/bench/policy-propagation.sh [edits]}: a warm-up of 10 % (5 at least). */
    static PropagationParameters fromSystemProperties() {
        int edits = Integer.getInteger("bench.edits", 200);
        return new PropagationParameters(edits, Math.max(5, edits / 10));
    }
}
