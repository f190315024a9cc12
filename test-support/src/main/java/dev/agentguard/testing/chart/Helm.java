package dev.agentguard.testing.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;

/**
 * The real helm binary that {@code hack/helm.sh} builds (make helm), run against a
 * kubeconfig, or against none for commands that need no cluster (lint, template).
 */
public record Helm(Path binary, Path kubeconfig, Path home) {

    public record Result(int exitCode, String stdout, String stderr) {
        /** Both streams, for assertion messages. */
        public String output() {
            return stdout + stderr;
        }
    }

    /** helm with no cluster: for lint and template. */
    public static Helm offline() {
        return new Helm(cachedBinary(), null, temporaryHome());
    }

    /** helm as the cluster's admin. */
    public static Helm against(KubeApiServer cluster) {
        return against(cluster.adminKubeconfig());
    }

    /** helm as whoever the kubeconfig names. */
    public static Helm against(Path kubeconfig) {
        return new Helm(cachedBinary(), kubeconfig, temporaryHome());
    }

    public static Path chart() {
        return RepoFiles.find("charts/agentguard");
    }

    public Result run(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        if (kubeconfig != null) {
            command.add("--kubeconfig=" + kubeconfig);
        }
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(home, "helm", ".out");
            Path err = Files.createTempFile(home, "helm", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            // Helm's caches and plugin config stay out of the user's home.
            builder.environment().putAll(java.util.Map.of(
                    "HELM_CACHE_HOME", home.resolve("cache").toString(),
                    "HELM_CONFIG_HOME", home.resolve("config").toString(),
                    "HELM_DATA_HOME", home.resolve("data").toString()));
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("helm " + String.join(" ", args) + " did not finish in 120s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running helm", e);
        }
    }

    /** Runs helm and throws with its output unless it exits 0. */
    public String ok(String... args) {
        Result result = run(args);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("helm " + String.join(" ", args) + " exited " + result.exitCode() + ":\n"
                    + result.output());
        }
        return result.stdout();
    }

    /** The pinned helm from hack/helm.sh's cache; the suite does not build it (make test does, first). */
    private static Path cachedBinary() {
        Path script = RepoFiles.find("hack/helm.sh");
        try {
            Process check = new ProcessBuilder(script.toString(), "--check").redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (check.waitFor() != 0) {
                throw new IllegalStateException("helm is not built: run make helm (hack/helm.sh): " + output);
            }
            return Path.of(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path temporaryHome() {
        try {
            return Files.createTempDirectory("helm-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
