package dev.agentguard.proxy.bench;

import java.util.List;

/** The API benchmark's result: a row per request and the masker's throughput; printed as Markdown. */
record ApiReport(List<ApiRow> rows, MaskingThroughput.Result masking) {

    String markdown() {
        StringBuilder report = new StringBuilder();
        report.append("| request | runs | direct p50 | direct p99 | proxied p50 | proxied p99 | added p50 | added p99"
                + " | proxy CPU / request |\n");
        report.append("|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(row -> report.append(row.markdown()));
        return report.append("\n").append(masking.markdown()).toString();
    }
}
