package dev.agentguard.proxy.bench;

import java.util.Arrays;
import java.util.List;

/**
 * How much the exec benchmark does: the stdout bytes of each streaming session, the measured
 * keystrokes (after {@code warmupKeys} unmeasured ones), the measured runs per path, and the
 * counts of sessions streaming at once (each run of N sessions moves {@code bytes} in all). The
 * script's run reads them from system properties; the smoke test uses {@link #SMOKE}.
 */
record ExecBenchParameters(long bytes, int keystrokes, int warmupKeys, int runs, List<Integer> sessions) {

    static final long MIB = 1024 * 1024;

    /** Every workload, path and proxy setting once, with output and typing too short for a figure. */
    static final ExecBenchParameters SMOKE = new ExecBenchParameters(256 * 1024, 3, 1, 1, List.of(1, 4));

    ExecBenchParameters {
        sessions = List.copyOf(sessions);
        if (bytes < 1 || keystrokes < 1 || warmupKeys < 0 || runs < 1 || sessions.isEmpty()
                || sessions.stream().anyMatch(n -> n < 1 || n > bytes)) {
            throw new IllegalArgumentException("every count must be positive: " + this);
        }
    }

    /** {@code hack/bench/exec.sh [mib] [keystrokes] [runs] [sessions]}. */
    static ExecBenchParameters fromSystemProperties() {
        return new ExecBenchParameters(Integer.getInteger("bench.mib", 256) * MIB,
                Integer.getInteger("bench.keystrokes", 500), 50, Integer.getInteger("bench.runs", 20),
                Arrays.stream(System.getProperty("bench.sessions", "1,8,32").split(",")).map(String::trim)
                        .map(Integer::valueOf).toList());
    }

    /** Runs per path for each count of concurrent sessions: at most 3, they only show how costs grow. */
    int scalingRuns() {
        return Math.min(runs, 3);
    }

    /** "16 MiB", or "256 KiB" below a MiB. */
    String size() {
        return bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes / 1024 + " KiB";
    }
}
