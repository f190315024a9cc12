package dev.agentguard.proxy.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.agentguard.testing.kube.Kubeconfig;

/**
 * {@code kubectl proxy}, the upstream Go reverse proxy to the API server, as the peer the
 * agentguard paths are measured against: it relays with the credential of its kubeconfig
 * and applies no policy. It serves plain HTTP on loopback only (it has no TLS listener),
 * so a client of it does no TLS of its own, where the agentguard paths' clients do.
 */
final class KubectlProxy implements AutoCloseable {

    /** What kubectl proxy prints once its listener is bound: the one readiness signal it gives. */
    private static final Pattern SERVING = Pattern.compile("Starting to serve on ([0-9.]+):(\\d+)");
    private static final long START_SECONDS = 30;

    private final Process process;
    private final Path dir;
    private final int port;

    private KubectlProxy(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts {@code kubectl proxy} on a port the kernel picks, with a kubeconfig holding
     * {@code token} and the API server's CA, and waits for its "Starting to serve" line.
     */
    static KubectlProxy start(Path kubectl, String server, String caPem, String token) throws Exception {
        Path dir = Files.createTempDirectory("agentguard-bench-kubectl-proxy");
        // The kubeconfig carries the agent's token: readable by its owner only, deleted on close.
        Path kubeconfig = Files.createFile(dir.resolve("kubeconfig"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(kubeconfig, Kubeconfig.withToken(server, caPem, token));
        Process process = new ProcessBuilder(kubectl.toString(), "--kubeconfig=" + kubeconfig,
                "--cache-dir=" + dir.resolve("cache"), "proxy", "--address=127.0.0.1", "--port=0")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        CompletableFuture<Integer> serving = new CompletableFuture<>();
        List<String> output = new ArrayList<>();
        Thread reader = new Thread(() -> read(process, serving, output), "kubectl-proxy-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new KubectlProxy(process, dir, serving.get(START_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            deleteRecursively(dir);
            synchronized (output) {
                throw new IllegalStateException((e instanceof TimeoutException ? "kubectl proxy did not serve within "
                        + START_SECONDS + " s" : e.getCause().getMessage()) + "; it printed: " + output, e);
            }
        }
    }

    /**
     * Reads kubectl's output to its end (so that a full pipe never blocks it): completes
     * {@code serving} with the port of the "Starting to serve" line, or fails it when
     * kubectl exits without one.
     */
    private static void read(Process process, CompletableFuture<Integer> serving, List<String> output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (output) {
                    if (output.size() < 40) {
                        output.add(line);
                    }
                }
                Matcher matcher = SERVING.matcher(line);
                if (matcher.find()) {
                    serving.complete(Integer.parseInt(matcher.group(2)));
                }
            }
        } catch (IOException e) {
            serving.completeExceptionally(e);
        }
        // End of output: kubectl has exited (or closed its output, which it does only then).
        serving.completeExceptionally(new IllegalStateException("kubectl proxy exited before it served"));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The proxy's address: plain HTTP. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop(process);
        deleteRecursively(dir);
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
