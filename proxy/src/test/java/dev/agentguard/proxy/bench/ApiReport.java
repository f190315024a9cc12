package dev.agentguard.proxy.bench;

import java.util.List;

/** The API benchmark's result: a table per request and the masker's throughput; printed as Markdown. */
record ApiReport(List<ApiTable> tables, MaskingThroughput.Result masking) {

    /** What the columns mean, once above the tables. */
    private static final String LEGEND = """
            Paths: direct to kube-apiserver; kubectl proxy (plain HTTP from the client, no policy); \
            agentguard's proxy only (the pod's token); shim + proxy (the agent's placeholder token). \
            Each client is one thread with one keep-alive connection, sending its requests one after \
            the other. added = the path's percentile minus direct's at the same number of clients; \
            ÷ kubectl proxy's = that over kubectl proxy's added latency (n/a where kubectl proxy's is 0 \
            or less); CPU between = utime+stime of the processes between client and API server \
            (kubectl; proxy; shim and proxy) over the measured requests, per request.
            """;

    String markdown() {
        StringBuilder report = new StringBuilder(LEGEND).append("\n");
        tables.forEach(table -> report.append(table.markdown()).append("\n"));
        return report.append(masking.markdown()).toString();
    }
}
