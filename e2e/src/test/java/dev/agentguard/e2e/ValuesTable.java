package dev.agentguard.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The chart README's values table, generated from values.yaml: one row per key that
 * carries a {@code # -- } comment (helm-docs' convention, as cert-manager and Kyverno use),
 * with its type and default read from the parsed values. {@link ChartReadmeTest} fails when the README
 * differs or when a key is documented nowhere, and {@code make chart-readme} has it write the
 * table between the README's markers.
 */
final class ValuesTable {

    static final String BEGIN = "<!-- values table: generated from values.yaml by make chart-readme; do not edit -->";
    static final String END = "<!-- end of values table -->";

    private static final Pattern KEY = Pattern.compile("^( *)([A-Za-z0-9_]+):(.*)$");
    private static final Pattern DOC = Pattern.compile("^ *# -- ?(.*)$");
    private static final Pattern DOC_CONTINUED = Pattern.compile("^ *# ?(.*)$");

    /** A documented key: its dotted path and the description from its comment. */
    record Row(String key, String description) {
    }

    private ValuesTable() {
    }

    /** The README with its table replaced. */
    static String withTable(String readme, String table) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the chart README has no values table markers: " + BEGIN);
        }
        return readme.substring(0, begin) + BEGIN + "\n" + table + readme.substring(end);
    }

    static String render(Path values) throws IOException {
        JsonNode parsed = new ObjectMapper(new YAMLFactory()).readTree(values.toFile());
        StringBuilder table = new StringBuilder("| key | type | default | description |\n|---|---|---|---|\n");
        for (Row row : documented(Files.readAllLines(values))) {
            JsonNode value = parsed.at("/" + row.key().replace('.', '/'));
            table.append("| `").append(row.key()).append("` | ").append(type(value)).append(" | `")
                    .append(value.isTextual() ? '"' + value.asText() + '"' : value.toString()).append("` | ")
                    .append(row.description().replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }

    /** Keys with a {@code # -- } comment, in file order; the comment may go on over more {@code #} lines. */
    static List<Row> documented(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        List<String> path = new ArrayList<>();
        StringBuilder doc = null;
        for (String line : lines) {
            Matcher start = DOC.matcher(line);
            Matcher more = DOC_CONTINUED.matcher(line);
            Matcher key = KEY.matcher(line);
            if (start.matches()) {
                doc = new StringBuilder(start.group(1).trim());
            } else if (doc != null && more.matches()) {
                doc.append(' ').append(more.group(1).trim());
            } else if (key.matches()) {
                int depth = key.group(1).length() / 2;
                while (path.size() > depth) {
                    path.remove(path.size() - 1);
                }
                path.add(key.group(2));
                if (doc != null) {
                    rows.add(new Row(String.join(".", path), doc.toString()));
                }
                doc = null;
            } else if (line.isBlank()) {
                doc = null;
            }
        }
        return rows;
    }

    private static String type(JsonNode value) {
        if (value.isObject()) {
            return "object";
        }
        if (value.isArray()) {
            return "list";
        }
        if (value.isBoolean()) {
            return "bool";
        }
        return value.isIntegralNumber() ? "int" : "string";
    }
}
