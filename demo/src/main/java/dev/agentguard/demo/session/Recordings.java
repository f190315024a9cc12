package dev.agentguard.demo.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.agentguard.testing.apps.PackagedApp;

/** The node proxy's recordings directory (the chart's hostPath, here a local directory). */
record Recordings(Path directory) {

    /** The one recording whose output contains {@code text}. */
    Path containing(String text) {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> matching = files.filter(f -> f.toString().endsWith(".cast")).filter(f -> read(f).contains(text))
                    .toList();
            if (matching.size() != 1) {
                throw new IllegalStateException("expected one recording with \"" + text + "\" in " + directory
                        + ", found " + matching);
            }
            return matching.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's own {@code verify} command (the image's, run from the packaged jar) on this directory. */
    String verify() {
        PackagedApp verify = PackagedApp.start("proxy", PackagedApp.newDirectory("agentguard-verify"),
                java.util.Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"), List.of(),
                List.of("verify", directory.toString()));
        int exit = verify.awaitExit(Duration.ofSeconds(60));
        if (exit != 0) {
            throw new IllegalStateException("verify exited " + exit + ": " + verify.log());
        }
        return verify.log().lines().filter(line -> line.startsWith("verified") || line.startsWith("warning"))
                .reduce((a, b) -> a + "\n" + b).orElse(verify.log());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
