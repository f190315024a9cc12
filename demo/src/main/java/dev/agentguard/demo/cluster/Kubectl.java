package dev.agentguard.demo.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real kubectl with one kubeconfig: the admin's, an approver's, or the agent's through its shim. */
public record Kubectl(Path binary, Path kubeconfig, Path scratch) {

    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Both streams, as a terminal shows them. */
        public String output() {
            return (stdout + stderr).strip();
        }
    }

    public Result run(String stdin, String... args) {
        return runFor(Duration.ofSeconds(120), stdin, args);
    }

    public Result runFor(Duration timeout, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig=" + kubeconfig,
                "--cache-dir=" + scratch.resolve("kubectl-cache")));
        command.addAll(List.of(args));
        return execute(command, Map.of(), timeout, stdin, args);
    }

    /**
     * {@code kubectl <plugin> args… --kubeconfig=…}, with {@code path} first on the PATH so that kubectl
     * finds the plugin there. kubectl takes no flags of its own before a plugin's name, so the
     * kubeconfig goes after it, to the plugin.
     */
    public Result plugin(Path path, String plugin, String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), plugin));
        command.addAll(List.of(args));
        command.add("--kubeconfig=" + kubeconfig);
        return execute(command, Map.of("PATH", path + ":" + System.getenv("PATH")), Duration.ofSeconds(120), null,
                args);
    }

    private Result execute(List<String> command, Map<String, String> environment, Duration timeout, String stdin,
            String... args) {
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "kubectl", ".out");
            Path err = Files.createTempFile(scratch, "kubectl", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in " + timeout);
            }
            Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running kubectl", e);
        }
    }

    /** Runs kubectl and throws with its output unless it exits 0. */
    public String ok(String stdin, String... args) {
        Result result = run(stdin, args);
        if (!result.ok()) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " exited " + result.exitCode()
                    + ": " + result.output());
        }
        return result.stdout();
    }
}
