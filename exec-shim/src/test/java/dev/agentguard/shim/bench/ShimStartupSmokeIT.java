package dev.agentguard.shim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.agentguard.testing.kube.RepoFiles;

/**
 * {@code hack/bench/shim-startup.sh} in the test suite, with one run per variant, on the
 * shim this build packaged: the script itself checks each start (ready, credentials
 * written, the shim's 401 to a request without the placeholder token) and exits 1 on
 * anything else. Asserted: it exits 0 and reports both variants. No timing is asserted.
 */
class ShimStartupSmokeIT {

    @Test
    void theScriptStartsTheShimWithBothFlagSetsAndReportsThem() throws Exception {
        Path script = RepoFiles.find("hack/bench/shim-startup.sh");
        Path log = Files.createTempFile("shim-startup", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "1").redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // The script runs `java`: this build's, whatever the PATH holds first.
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        builder.environment().merge("PATH", javaBin.toString(), (path, bin) -> bin + ":" + path);
        Process run = builder.start();
        // A bound for a hung script (a shim never ready), far above its few seconds.
        boolean ended = run.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            run.descendants().forEach(ProcessHandle::destroy);
            run.destroy();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("the script ended; output:%n%s", output).isTrue();

        assertThat(run.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output).containsPattern("(?m)^exec-shim start-up, 1 runs each, \\d+ cores")
                .containsPattern("(?m)^default +ready median +\\d+ ms \\(min \\d+, max \\d+\\) +RSS median +\\d+ MiB$")
                .containsPattern("(?m)^tuned +ready median +\\d+ ms \\(min \\d+, max \\d+\\) +RSS median +\\d+ MiB$");
    }
}
