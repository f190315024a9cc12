package dev.agentguard.proxy.bench;

import java.util.List;
import java.util.Optional;

/**
 * One request's results: a row per number of clients and path. A path's added latency is
 * its percentile minus the direct path's at the same number of clients; it is also given as
 * a multiple of kubectl proxy's, the peer that relays without any policy.
 */
record ApiTable(String request, List<ApiRow> rows) {

    String markdown() {
        StringBuilder table = new StringBuilder("#### ").append(request).append("\n\n");
        table.append("| clients | path | requests | req/s | p50 | p99 | p99.9 | added p50 | added p99"
                + " | added p50 ÷ kubectl proxy's | added p99 ÷ kubectl proxy's | CPU between / request |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ApiRow row : rows) {
            Optional<ApiRow> direct = find(ApiPath.DIRECT, row.clients());
            Optional<ApiRow> kubectl = find(ApiPath.KUBECTL_PROXY, row.clients());
            boolean isDirect = row.path().equals(ApiPath.DIRECT);
            table.append(String.format("| %d | %s | %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    row.clients(), row.path(), row.requests(), row.requestsPerSecond(), ms(row.percentile(50)),
                    ms(row.percentile(99)), ms(row.percentile(99.9)),
                    isDirect ? "–" : added(row, direct, 50), isDirect ? "–" : added(row, direct, 99),
                    isDirect ? "–" : ratio(row, direct, kubectl, 50), isDirect ? "–" : ratio(row, direct, kubectl, 99),
                    row.hopCpuMicrosPerRequest().isPresent()
                            ? String.format("%.0f µs", row.hopCpuMicrosPerRequest().getAsDouble()) : "–"));
        }
        return table.toString();
    }

    private Optional<ApiRow> find(String path, int clients) {
        return rows.stream().filter(r -> r.path().equals(path) && r.clients() == clients).findFirst();
    }

    private static Optional<Long> addedNanos(ApiRow row, Optional<ApiRow> direct, double percentile) {
        return direct.map(d -> row.percentile(percentile) - d.percentile(percentile));
    }

    private static String added(ApiRow row, Optional<ApiRow> direct, double percentile) {
        return addedNanos(row, direct, percentile).map(ApiTable::ms).orElse("n/a");
    }

    /**
     * The path's added latency over kubectl proxy's. Where kubectl proxy added nothing (or
     * less than nothing: its client does no TLS), no ratio means anything, and none is given.
     */
    private static String ratio(ApiRow row, Optional<ApiRow> direct, Optional<ApiRow> kubectl, double percentile) {
        Optional<Long> peer = kubectl.flatMap(k -> addedNanos(k, direct, percentile));
        Optional<Long> own = addedNanos(row, direct, percentile);
        if (peer.isEmpty() || own.isEmpty() || peer.get() <= 0) {
            return "n/a";
        }
        return String.format("%.1f×", own.get() / (double) peer.get());
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }
}
