package dev.agentguard.testing.kube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the control-plane binaries live. {@code hack/kube-binaries.sh} builds
 * them from the Go module proxy and caches them by version; this class runs it
 * (a no-op when the cache is warm) so that a plain {@code mvn verify} works on a
 * fresh machine too. {@code -Dagentguard.kube.bin-dir=...} or
 * {@code AGENTGUARD_KUBE_BIN_DIR} skips the script.
 */
record KubeBinaries(Path directory) {

    static final String BIN_DIR_PROPERTY = "agentguard.kube.bin-dir";
    static final String BIN_DIR_ENV = "AGENTGUARD_KUBE_BIN_DIR";
    private static final String SCRIPT = "hack/kube-binaries.sh";

    Path etcd() {
        return binary("etcd");
    }

    Path kubeApiServer() {
        return binary("kube-apiserver");
    }

    Path kubeControllerManager() {
        return binary("kube-controller-manager");
    }

    Path kubectl() {
        return binary("kubectl");
    }

    Path kwok() {
        return binary("kwok");
    }

    private Path binary(String name) {
        Path binary = directory.resolve(name);
        if (!Files.isExecutable(binary)) {
            throw new KubeStartException(binary + " is missing; run " + SCRIPT + " to build it");
        }
        return binary;
    }

    static KubeBinaries locate() {
        String configured = System.getProperty(BIN_DIR_PROPERTY, System.getenv(BIN_DIR_ENV));
        if (configured != null && !configured.isBlank()) {
            return new KubeBinaries(Path.of(configured));
        }
        return new KubeBinaries(runBuildScript(findScript()));
    }

    private static Path findScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve(SCRIPT);
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new KubeStartException("cannot find " + SCRIPT + " above " + Path.of("").toAbsolutePath()
                + "; set -D" + BIN_DIR_PROPERTY + " to a directory holding etcd, kube-apiserver and kubectl");
    }

    private static Path runBuildScript(Path script) {
        try {
            Path output = Files.createTempFile("kube-binaries", ".out");
            Process process = new ProcessBuilder(List.of("bash", script.toString()))
                    .redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            int code = process.waitFor();
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            Files.deleteIfExists(output);
            if (code != 0 || lines.isEmpty()) {
                throw new KubeStartException(script + " failed with exit code " + code + " (its errors are above)");
            }
            return Path.of(lines.get(lines.size() - 1).trim());
        } catch (IOException e) {
            throw new KubeStartException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeStartException("interrupted while running " + script, e);
        }
    }
}
