package dev.agentguard.proxy.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real asciinema player (2.4.0 from PyPI, installed by {@code hack/asciinema.sh}),
 * so a test proves that a recording plays, not just that it parses.
 */
final class Asciinema {

    static final String VERSION = "2.4.0";

    private Asciinema() {
    }

    /** {@code asciinema cat}: the recording's output, as {@code asciinema play} would show it. */
    static String cat(Path cast) throws IOException, InterruptedException {
        Path home = Path.of(System.getenv().getOrDefault("AGENTGUARD_TOOLS",
                System.getProperty("user.home") + "/.cache/agentguard/tools"), "asciinema-" + VERSION);
        if (!Files.isDirectory(home.resolve("asciinema"))) {
            throw new IllegalStateException("asciinema " + VERSION + " is not installed in " + home
                    + "; run hack/asciinema.sh (make test does)");
        }
        ProcessBuilder builder = new ProcessBuilder("python3", "-m", "asciinema", "cat", cast.toString())
                .redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("asciinema cat " + cast + " failed: " + output);
        }
        return output;
    }
}
