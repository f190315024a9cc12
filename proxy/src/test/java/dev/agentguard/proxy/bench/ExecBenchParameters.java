package dev.agentguard.proxy.bench;

/**
 * How much the exec benchmark does: the stdout bytes of each streaming session, the measured
 * keystrokes (after {@code warmupKeys} unmeasured ones) and the measured runs per path. The
 * script's run reads them from system properties; the smoke test uses {@link #SMOKE}.
 */
record ExecBenchParameters(long bytes, int keystrokes, int warmupKeys, int runs) {

    static final long MIB = 1024 * 1024;

    /** Every workload, path and proxy setting once, with output and typing too short for a figure. */
    static final ExecBenchParameters SMOKE = new ExecBenchParameters(256 * 1024, 3, 1, 1);

    ExecBenchParameters {
        if (bytes < 1 || keystrokes < 1 || warmupKeys < 0 || runs < 1) {
            throw new IllegalArgumentException("every count must be positive: " + this);
        }
    }

    /** {@code hack/bench/exec.sh [mib] [keystrokes] [runs]}. */
    static ExecBenchParameters fromSystemProperties() {
        return new ExecBenchParameters(Integer.getInteger("bench.mib", 256) * MIB,
                Integer.getInteger("bench.keystrokes", 500), 50, Integer.getInteger("bench.runs", 5));
    }

    /** "16 MiB", or "256 KiB" below a MiB. */
    String size() {
        return bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes / 1024 + " KiB";
    }
}
