package dev.agentguard.testing.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.agentguard.testing.kube.KubeCluster;
import dev.agentguard.testing.kube.Kubeconfig;
import dev.agentguard.testing.kube.RepoFiles;

/**
 * One of agentguard's deployables as its container runs it: the module's packaged
 * {@code target/quarkus-app/quarkus-run.jar} in its own JVM, configured only through
 * environment variables, its output in {@code app.log} in its work directory.
 */
public final class PackagedApp implements AutoCloseable {

    private final String module;
    private final Process process;
    private final Path directory;

    private PackagedApp(String module, Process process, Path directory) {
        this.module = module;
        this.process = process;
        this.directory = directory;
    }

    /**
     * @param module     the Maven module directory, e.g. {@code proxy}
     * @param directory  the app's work directory (created if missing)
     * @param jvmOptions JVM flags before {@code -jar}, e.g. the ones the webhook injects
     */
    public static PackagedApp start(String module, Path directory, Map<String, String> environment,
            List<String> jvmOptions) {
        return start(module, directory, environment, jvmOptions, List.of());
    }

    /**
     * @param args the program's arguments after {@code -jar quarkus-run.jar}: a container's
     *             {@code args}, e.g. a command the image runs instead of the server
     */
    public static PackagedApp start(String module, Path directory, Map<String, String> environment,
            List<String> jvmOptions, List<String> args) {
        // Found from a module's tests and from the checkout's root (benchmarks run by exec:java).
        Path jar = RepoFiles.find(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; package " + module + " first (mvn package)");
        }
        try {
            Files.createDirectories(directory);
            List<String> command = new ArrayList<>(inCgroup(module));
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("app.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            return new PackagedApp(module, builder.start(), directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + module, e);
        }
    }

    /** Waits until {@code url} answers 200, failing with the app's log if it exits or the timeout passes. */
    public void awaitOk(String url, Duration timeout) {
        await(url + " answering 200", () -> status(url) == 200, timeout);
    }

    /** Waits until something accepts TCP connections on 127.0.0.1:{@code port}, failing if the app exits. */
    public void awaitListening(int port, Duration timeout) {
        await("a listener on " + port, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        }, timeout);
    }

    private void await(String what, BooleanSupplier ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with code " + process.exitValue() + ":\n" + log());
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(module + ": no " + what + " within " + timeout + ":\n" + log());
            }
            try {
                // Doubles as the pause between polls, and returns at once if the app exits.
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + module, e);
            }
        }
    }

    /**
     * A prefix that starts the app inside the cgroup named by the system property
     * {@code packaged.<module>.cgroup} (a cgroup directory that exists and can be
     * written): its memory limit is then the one the container would have, and the
     * JVM sizes itself by it. Benchmarks use it to measure a component under its
     * chart limit; nothing sets it by default.
     */
    private static List<String> inCgroup(String module) {
        String cgroup = System.getProperty("packaged." + module + ".cgroup", "");
        if (cgroup.isBlank()) {
            return List.of();
        }
        if (!Files.isWritable(Path.of(cgroup, "cgroup.procs"))) {
            throw new IllegalStateException("packaged." + module + ".cgroup=" + cgroup
                    + " is not a cgroup this user can move a process into (no writable cgroup.procs)");
        }
        // The shell joins the cgroup, then becomes the JVM, so the JVM starts inside it.
        return List.of("/bin/sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", cgroup);
    }

    /** Waits for the app to exit on its own (a command, not a server) and returns its exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(module + " still running after " + timeout + ":\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + module + " to exit", e);
        }
    }

    /** The status code of a plain GET, or -1 while nothing listens; fails if the app has exited. */
    public int status(String url) {
        if (!process.isAlive()) {
            throw new IllegalStateException(module + " exited with code " + process.exitValue() + ":\n" + log());
        }
        return HttpStatus.of(url);
    }

    public Path directory() {
        return directory;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.readString(directory.resolve("app.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, as the kubelet stops a container; forced after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * The environment that makes an app's Kubernetes client talk to the test control plane
     * with this token: a kubeconfig file (mode 0600) in {@code directory}, named by KUBECONFIG.
     */
    public static Map<String, String> kubeconfigEnvironment(KubeCluster cluster, String token, Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("kubeconfig");
            Files.writeString(file, "");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(file, Kubeconfig.withToken(cluster.url(), cluster.caCertificatePem(), token));
            return Map.of("KUBECONFIG", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh work directory for one app (its log, kubeconfig, local files). */
    public static Path newDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port free now, for an app to bind. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
