package dev.agentguard.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.agentguard.testing.kube.RepoFiles;

/**
 * The root pom is the one place image names and the version come from: every image
 * reference that manifests/, the chart and the webhook's default shim image ship must
 * be one this build produces, with this build's tag. A reference without a tag (a chart's
 * {@code repository:} value, tagged by {@code appVersion}) must name a built repository.
 */
class ShippedImageReferencesTest {

    private static final String REGISTRY = System.getProperty("images.registry");
    private static final String VERSION = System.getProperty("images.version");
    private static final List<String> NAMES = Arrays.asList(System.getProperty("images.names", "").split(","));

    @Test
    void everyShippedReferenceIsABuiltImageAtTheBuildsTag() throws IOException {
        Set<String> built = NAMES.stream().map(name -> ImageReference.of(REGISTRY, name, VERSION).toString())
                .collect(Collectors.toCollection(TreeSet::new));
        NAMES.forEach(name -> built.add(REGISTRY + "/" + name));
        Pattern reference = Pattern.compile(Pattern.quote(REGISTRY) + "/[a-z0-9-]+(:[A-Za-z0-9._-]+)?");

        List<String> shipped = new ArrayList<>();
        for (Path file : shippedFiles()) {
            Matcher matcher = reference.matcher(Files.readString(file));
            while (matcher.find()) {
                shipped.add(matcher.group() + " in " + RepoFiles.find("manifests").getParent().relativize(file));
            }
        }

        assertThat(shipped).as("image references in manifests/ and the webhook's defaults").isNotEmpty();
        assertThat(shipped).allSatisfy(found -> assertThat(built).contains(found.split(" in ")[0]));
    }

    @Test
    void theChartsAppVersionIsTheImageTag() throws IOException {
        String chart = Files.readString(RepoFiles.find("charts/agentguard/Chart.yaml"));
        assertThat(chart).containsPattern("(?m)^appVersion: \"?" + Pattern.quote(ImageReference.releaseTag(VERSION))
                + "\"?$");
    }

    private static List<Path> shippedFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("manifests", "charts")) {
            try (Stream<Path> tree = Files.walk(RepoFiles.find(dir))) {
                tree.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")
                        || p.toString().endsWith(".tpl")).forEach(files::add);
            }
        }
        files.add(RepoFiles.find("webhook/src/main/java/dev/agentguard/webhook/injection/InjectionConfig.java"));
        return files;
    }
}
