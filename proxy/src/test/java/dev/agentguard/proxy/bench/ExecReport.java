package dev.agentguard.proxy.bench;

import java.util.List;
import java.util.Map;

/**
 * The exec benchmark's result, printed as Markdown: stream throughput per workload and path,
 * CPU per MiB per process, memory after the streams, the keystroke round trips, and how
 * throughput, CPU and memory grow with concurrent sessions.
 *
 * @param components the CPU tables' columns (processes found), in order
 * @param memory     the proxy's and the shim's memory after the streams
 * @param scaling    the concurrent sessions' rows, by count then path (the first path of a count is direct)
 */
record ExecReport(ExecBenchParameters parameters, List<String> components, List<WorkloadStreams> streams,
        String memory, List<TypingRow> typing, List<ScalingRow> scaling) {

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Exec throughput, %s per run, %d runs per path (median of stdout bytes received per"
                + " second, first byte to close; first byte = median time from the handshake), %d cores%n%n",
                parameters.size(), parameters.runs(), Runtime.getRuntime().availableProcessors()));
        out.append("| output | path | throughput (min–max) | vs direct | first byte | incomplete |\n");
        out.append("|---|---|---|---|---|---|\n");
        streams.forEach(workload -> throughputRows(out, workload));
        out.append("\nCPU per MiB streamed (ms), summed over the measured runs; client = the benchmark's JVM\n\n");
        out.append("| output | path | ").append(String.join(" | ", components)).append(" | total |\n");
        out.append("|---|---|").append("---|".repeat(components.size() + 1)).append('\n');
        streams.forEach(workload -> workload.paths().forEach(path -> cpuRow(out, workload.workload(), path)));
        out.append('\n').append(memory).append("\n\n");
        out.append(String.format("Keystroke round trip in a TTY (`sh`): one key on stdin until its echo on stdout,"
                + " %d keys after %d unmeasured%n%n", parameters.keystrokes(), parameters.warmupKeys()));
        out.append("| path | p50 | p90 | p99 | max |\n");
        out.append("|---|---|---|---|---|\n");
        typing.forEach(row -> out.append(row.markdown()));
        scaling(out);
        return out.toString();
    }

    private void scaling(StringBuilder out) {
        out.append(String.format("%nConcurrent sessions of text output: N sessions at once, %s in all per run, %d runs"
                + " per path (median of all sessions' bytes over the run's wall time); CPU in ms per MiB, summed over"
                + " the runs; proxy peak RSS = its VmHWM after the count's runs%n%n", parameters.size(),
                parameters.scalingRuns()));
        out.append("| sessions | path | throughput (min–max) | vs direct | ").append(String.join(" | ", components))
                .append(" | total | short | proxy peak RSS |\n");
        out.append("|---|---|---|---|").append("---|".repeat(components.size() + 3)).append('\n');
        double direct = 0;
        for (ScalingRow row : scaling) {
            boolean first = row.path().equals("direct");
            direct = first ? row.medianRate() : direct;
            double mib = row.bytes() / (double) ExecBenchParameters.MIB;
            StringBuilder line = new StringBuilder(String.format("| %s | %s | %s MiB/s (%s–%s) | %s", first
                    ? Integer.toString(row.sessions()) : "", row.path(), figure(row.medianRate()),
                    figure(row.rates().min()), figure(row.rates().max()),
                    first ? "" : "**" + figure(100.0 * row.medianRate() / direct) + " %**"));
            line.append(cpuCells(row.cpuTicks(), mib));
            out.append(line).append(String.format(" | %d of %d | %s |%n", row.shortSessions(),
                    row.runs() * row.sessions(), first ? "–" : row.proxyPeakKiB() / 1024 + " MiB"));
        }
    }

    /** " | a | b | … | total" in ms of CPU per MiB, n/a for a process that was not measured. */
    private String cpuCells(Map<String, Long> cpuTicks, double mib) {
        StringBuilder cells = new StringBuilder();
        long total = 0;
        for (String name : components) {
            Long ticks = cpuTicks.get(name);
            total += ticks == null ? 0 : ticks;
            cells.append(" | ").append(ticks == null ? "n/a" : String.format("%.1f", ProcStat.cpuMillis(ticks) / mib));
        }
        return cells.append(String.format(" | %.1f", ProcStat.cpuMillis(total) / mib)).toString();
    }

    private static void throughputRows(StringBuilder out, WorkloadStreams workload) {
        double direct = workload.paths().get(0).medianRate();
        for (int p = 0; p < workload.paths().size(); p++) {
            PathStreams path = workload.paths().get(p);
            Rates rates = path.rates();
            out.append(String.format("| %s | %s | %s MiB/s (%s–%s) | %s | %.2f ms | %d of %d |%n",
                    p == 0 ? workload.workload().name() : "", path.path(), figure(path.medianRate()),
                    figure(rates.min()), figure(rates.max()),
                    p == 0 ? "" : "**" + figure(100.0 * path.medianRate() / direct) + " %**",
                    path.firstByte().percentile(50) / 1e6, path.shortRuns(), path.runs()));
        }
    }

    private void cpuRow(StringBuilder out, Workload workload, PathStreams path) {
        double mib = path.bytes() / (double) ExecBenchParameters.MIB;
        out.append("| ").append(workload.label()).append(" | ").append(path.path())
                .append(cpuCells(path.cpuTicks(), mib)).append(" |\n");
    }

    /** Two significant digits or more, so small rates are not printed as 0. */
    private static String figure(double value) {
        return String.format(value < 10 ? "%.1f" : "%.0f", value);
    }
}
