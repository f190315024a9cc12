package dev.agentguard.proxy.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

import dev.agentguard.testing.kube.RepoFiles;

/**
 * The real exec-shim, as packaged, run as a separate process in front of the
 * proxy under test: the agent's path is then exactly kubectl → shim → proxy →
 * kube-apiserver. Public for the exec benchmark, which runs the same shim.
 */
public final class ShimProcess implements AutoCloseable {

    private final Process process;
    public final int port;
    /** The placeholder credentials the shim writes for the agent: {@code token} and {@code ca.crt}. */
    public final Path credentials;
    public final Path tokenFile;

    private ShimProcess(Process process, int port, Path credentials, Path tokenFile) {
        this.process = process;
        this.port = port;
        this.credentials = credentials;
        this.tokenFile = tokenFile;
    }

    static ShimProcess start(String upstream, Path upstreamCa, String podToken, String namespace) {
        return start(upstream, upstreamCa, podToken, namespace, List.of());
    }

    /** @param jvmOptions JVM flags, e.g. those the webhook injects into the shim container */
    public static ShimProcess start(String upstream, Path upstreamCa, String podToken, String namespace,
            List<String> jvmOptions) {
        // Found from the proxy module (tests) and from the checkout's root (benchmarks run by exec:java).
        Path jar = RepoFiles.find("exec-shim").resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build exec-shim first");
        }
        try {
            Path dir = Files.createTempDirectory("shim-process");
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, podToken);
            Path credentials = dir.resolve("credentials");
            int port = freePort();
            int health = freePort();
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("shim.log").toFile());
            builder.environment().putAll(Map.of(
                    "AGENTGUARD_SHIM_PORT", Integer.toString(port),
                    "AGENTGUARD_SHIM_UPSTREAM", upstream,
                    "AGENTGUARD_SHIM_UPSTREAM_CA_FILE", upstreamCa.toString(),
                    "AGENTGUARD_SHIM_TOKEN_FILE", tokenFile.toString(),
                    "AGENTGUARD_SHIM_CREDENTIALS_DIR", credentials.toString(),
                    "AGENTGUARD_POD_NAMESPACE", namespace,
                    "QUARKUS_HTTP_PORT", Integer.toString(health),
                    "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
            Process process = builder.start();
            ShimProcess shim = new ShimProcess(process, port, credentials, tokenFile);
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("shim exited: " + Files.readString(dir.resolve("shim.log")));
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health
                            + "/q/health/started")).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            return shim;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** A kubeconfig exactly as the agent's in-cluster client sees the world: shim address, CA and placeholder. */
    Path agentKubeconfig() throws IOException {
        Path file = credentials.getParent().resolve("agent.kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: in-cluster
                  cluster:
                    server: https://127.0.0.1:%d
                    certificate-authority: %s
                users:
                - name: agent
                  user:
                    tokenFile: %s
                contexts:
                - name: agent
                  context: {cluster: in-cluster, user: agent}
                current-context: agent
                """.formatted(port, credentials.resolve("ca.crt"), credentials.resolve("token")));
        return file;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
