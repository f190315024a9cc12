package dev.agentguard.demo.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real asciinema player (hack/asciinema.sh installs it from PyPI, pinned), which plays a
 * recording with its timing; pauses are capped at a second so the demo does not stall.
 */
final class Asciinema {

    static final String VERSION = "2.4.0";

    private Asciinema() {
    }

    /** Plays the recording and returns what it drew, line by line. */
    static String play(Path cast) {
        Path home = Path.of(System.getenv().getOrDefault("AGENTGUARD_TOOLS",
                System.getProperty("user.home") + "/.cache/agentguard/tools"), "asciinema-" + VERSION);
        if (!Files.isDirectory(home.resolve("asciinema"))) {
            throw new IllegalStateException("asciinema " + VERSION + " is not installed in " + home
                    + "; run hack/asciinema.sh (make demo does)");
        }
        ProcessBuilder builder = new ProcessBuilder("python3", "-m", "asciinema", "play", "--idle-time-limit", "1",
                cast.toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("PYTHONPATH", home.toString());
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("asciinema play " + cast + " failed: " + output);
            }
            return output.replace("\r", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted playing " + cast, e);
        }
    }
}
