package dev.agentguard.proxy.bench;

import java.util.Arrays;
import java.util.List;

/**
 * How much the API benchmark does: runs of each request, the objects it lists, the runs
 * of the single-thread masker, and the numbers of concurrent clients each request is run
 * with. The script's run reads them from system properties; the smoke test uses
 * {@link #SMOKE}, which only shows that every path answers what it must.
 */
record ApiBenchParameters(int getRuns, int listRuns, int secretRuns, int configMaps, int secrets,
        int maskingRuns, List<Integer> concurrency, int policies) {

    /** A few of everything: enough for every request, path, client count and check to run, too few for a figure. */
    static final ApiBenchParameters SMOKE = new ApiBenchParameters(3, 2, 2, 5, 5, 2, List.of(1, 4), 0);

    ApiBenchParameters {
        concurrency = List.copyOf(concurrency);
        if (getRuns < 1 || listRuns < 1 || secretRuns < 1 || configMaps < 2 || secrets < 1 || maskingRuns < 1
                || policies < 0) {
            throw new IllegalArgumentException("every count must be positive (and 2 ConfigMaps at least, as cm-1"
                    + " is the one read): " + this);
        }
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1)
                || concurrency.stream().distinct().count() != concurrency.size()) {
            throw new IllegalArgumentException("concurrency must be distinct positive numbers of clients: "
                    + concurrency);
        }
    }

    /**
     * {@code hack/bench/proxy-api.sh [get-runs] [list-runs] [secret-runs] [concurrency] [configmaps]}:
     * the ConfigMaps listed (500 unless {@code bench.configmaps} says otherwise, to see how a LIST's
     * cost grows with its size); 1000 Secrets; the policies the proxy holds ({@code bench.policies},
     * none by default; see {@link BenchPolicies}).
     */
    static ApiBenchParameters fromSystemProperties() {
        return new ApiBenchParameters(Integer.getInteger("bench.get", 2000), Integer.getInteger("bench.list", 200),
                Integer.getInteger("bench.secrets", 30), Integer.getInteger("bench.configmaps", 500), 1000, 100,
                concurrency(System.getProperty("bench.concurrency", "1,16,64")), Integer.getInteger("bench.policies", 0));
    }

    /** "1,16,64": the numbers of clients, in the order they run. */
    static List<Integer> concurrency(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(c -> !c.isEmpty()).map(Integer::valueOf)
                .toList();
    }

    /** The most clients any run uses: how many each path needs. */
    int maxConcurrency() {
        return concurrency.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** Unmeasured requests per path before the measured ones: JIT, connections, caches. */
    static int warmup(int runs) {
        return Math.max(10, runs / 10);
    }

    /**
     * Requests each of {@code clients} sends so that together they send {@code runs} at least:
     * every client as busy as the others, and each at least once (its connection opened in
     * the warm-up, before the measured requests).
     */
    static int perClient(int runs, int clients) {
        return (runs + clients - 1) / clients;
    }
}
