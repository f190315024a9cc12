package dev.agentguard.operator.bench;

import java.util.List;

/** The bundle benchmark's rows, one per policy count, printed as Markdown. */
record RebuildReport(List<RebuildRow> rows) {

    RebuildReport {
        rows = List.copyOf(rows);
    }

    String markdown() {
        StringBuilder out = new StringBuilder("| policies | bundle bytes | one build | per renewal, build per reconcile"
                + " | per renewal, kept bundle |\n|---|---|---|---|---|\n");
        rows.forEach(row -> out.append(row.markdown()));
        return out.toString();
    }
}
