package dev.agentguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.agentguard.testing.chart.Helm;

/** The chart README documents every value, as values.yaml says it. */
class ChartReadmeTest {

    private final Path values = Helm.chart().resolve("values.yaml");

    @Test
    void theReadmeTableIsTheOneGeneratedFromValuesYaml() throws IOException {
        Path file = Helm.chart().resolve("README.md");
        if (Boolean.getBoolean("agentguard.write-chart-readme")) {
            // make chart-readme: regenerate instead of checking (then the check below passes).
            Files.writeString(file, ValuesTable.withTable(Files.readString(file), ValuesTable.render(values)));
        }
        String readme = Files.readString(file);
        assertThat(readme).as("charts/agentguard/README.md is stale; run `make chart-readme`")
                .isEqualTo(ValuesTable.withTable(readme, ValuesTable.render(values)));
    }

    @Test
    void everyValueIsDocumentedByItsOwnRowOrAParentsRow() throws IOException {
        List<String> rows = ValuesTable.documented(Files.readAllLines(values)).stream()
                .map(ValuesTable.Row::key).toList();
        List<String> undocumented = new ArrayList<>();
        leaves("", new ObjectMapper(new YAMLFactory()).readTree(values.toFile()), undocumented);
        undocumented.removeIf(key -> rows.stream().anyMatch(row -> key.equals(row) || key.startsWith(row + ".")));
        assertThat(undocumented).as("values without a `# -- ` comment on them or a parent").isEmpty();
    }

    /** Every path to a scalar, list or empty map. */
    private static void leaves(String prefix, JsonNode node, List<String> into) {
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                leaves(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), into);
            }
        } else {
            into.add(prefix);
        }
    }
}
