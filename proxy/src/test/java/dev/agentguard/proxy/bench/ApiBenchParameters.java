package dev.agentguard.proxy.bench;

/**
 * How much the API benchmark does: runs of each request, the objects it lists, and the runs
 * of the single-thread masker. The script's run reads them from system properties; the
 * smoke test uses {@link #SMOKE}, which only shows that every path answers what it must.
 */
record ApiBenchParameters(int getRuns, int listRuns, int secretRuns, int configMaps, int secrets,
        int maskingRuns) {

    /** A few of everything: enough for every request, path and check to run, too few for a figure. */
    static final ApiBenchParameters SMOKE = new ApiBenchParameters(3, 2, 2, 5, 5, 2);

    ApiBenchParameters {
        if (getRuns < 1 || listRuns < 1 || secretRuns < 1 || configMaps < 2 || secrets < 1 || maskingRuns < 1) {
            throw new IllegalArgumentException("every count must be positive (and 2 ConfigMaps at least, as cm-1"
                    + " is the one read): " + this);
        }
    }

    /** {@code hack/bench/proxy-api.sh [get-runs] [list-runs] [secret-runs]}; the object counts are fixed. */
    static ApiBenchParameters fromSystemProperties() {
        return new ApiBenchParameters(Integer.getInteger("bench.get", 2000), Integer.getInteger("bench.list", 200),
                Integer.getInteger("bench.secrets", 30), 500, 1000, 100);
    }

    /** Unmeasured requests per path before the measured ones: JIT, connections, caches. */
    static int warmup(int runs) {
        return Math.max(10, runs / 10);
    }
}
