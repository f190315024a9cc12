package dev.agentguard.images;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An OCI runtime from the host, {@code runc} or else {@code crun}, keeping its state
 * under a directory of the test's own. Installs nothing: without one it fails, naming
 * the package (.ci/run installs it). runc comes first because crun 1.8 (Debian 12)
 * refuses hosts whose cgroups are mounted in hybrid mode, such as this build machine.
 */
record OciRuntime(Path binary, Path state) {

    static OciRuntime find(Path state) {
        return find(System.getenv().getOrDefault("PATH", ""), state);
    }

    /** @param searchPath directories to look in, as in {@code PATH} */
    static OciRuntime find(String searchPath, Path state) {
        Optional<Path> binary = onPath(searchPath, "runc").or(() -> onPath(searchPath, "crun"));
        if (binary.isEmpty()) {
            throw new IllegalStateException("the image tests run each image under an OCI runtime, and neither runc "
                    + "nor crun is on PATH: apt-get install runc");
        }
        return new OciRuntime(binary.get(), state);
    }

    /** Starts {@code runc run} in the foreground of a child process, its output to {@code log}. */
    Process run(Path bundle, String id, Path log) {
        try {
            Files.createDirectories(state);
            return new ProcessBuilder(command("run", "--bundle", bundle.toString(), id))
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
    }

    /** {@code state <id>}: the runtime's JSON about a container (its pid, its status). */
    String state(String id) {
        return call("state", id);
    }

    void kill(String id, String signal) {
        call("kill", id, signal);
    }

    void delete(String id) {
        call("delete", "--force", id);
    }

    private String call(String... args) {
        try {
            Process process = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(binary.getFileName() + " " + String.join(" ", args) + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--root", state.toString()));
        // No cgroup setup: the test needs isolation of files and processes, not resource limits.
        if (binary.getFileName().toString().equals("crun")) {
            command.add("--cgroup-manager=disabled");
        }
        command.addAll(Arrays.asList(args));
        return command;
    }

    private static Optional<Path> onPath(String searchPath, String name) {
        return Arrays.stream(searchPath.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
    }
}
