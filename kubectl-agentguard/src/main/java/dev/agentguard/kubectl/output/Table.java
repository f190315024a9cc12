package dev.agentguard.kubectl.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Columns as kubectl prints them: upper-case headers, left-aligned, three spaces apart. */
public final class Table {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells for " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (String cell : cells) {
            row.add(cell == null || cell.isEmpty() ? "<none>" : Printable.of(cell));
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        print(out, headers, widths);
        rows.forEach(row -> print(out, row, widths));
        out.flush();
    }

    /** One row on its own, aligned to the widths of a header printed before (for --watch). */
    public static String line(List<String> cells, int... widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i) == null || cells.get(i).isEmpty() ? "<none>" : Printable.of(cells.get(i));
            line.append(i == cells.size() - 1 ? cell : pad(cell, widths[i] + 3));
        }
        return line.toString();
    }

    private static void print(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(i == cells.size() - 1 ? cells.get(i) : pad(cells.get(i), widths[i] + 3));
        }
        out.println(line.toString().stripTrailing());
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
