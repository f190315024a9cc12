package dev.agentguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.agentguard.testing.kube.RepoFiles;

/**
 * manifests/ is rendered from the chart (make manifests); this fails, with the difference,
 * when someone edits one without the other.
 */
class ManifestsInSyncIT {

    @Test
    void manifestsAreWhatTheChartRenders() throws IOException, InterruptedException {
        // hack/manifests.sh --check renders with the same helm and split as make manifests, and diffs.
        Process check = new ProcessBuilder(RepoFiles.find("hack/manifests.sh").toString(), "--check")
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor())
                .as("manifests/ differs from charts/agentguard's rendering; run `make manifests`:%n%s", output)
                .isZero();
    }
}
