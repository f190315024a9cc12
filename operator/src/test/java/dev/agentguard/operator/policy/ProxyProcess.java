package dev.agentguard.operator.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.TestTls;

/**
 * The packaged proxy ({@code proxy/target/quarkus-app/quarkus-run.jar}) in its
 * own process, as its DaemonSet runs it: its own ServiceAccount with the RBAC
 * in {@code manifests/proxy/rbac.yaml}, against the shared kube-apiserver.
 */
public record ProxyProcess(Process process, int port, int health, Path caFile, Path log) implements AutoCloseable {

    public static ProxyProcess start(KubeApiServer cluster, String node) throws Exception {
        Path jar = RepoFiles.find("proxy/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build the proxy first");
        }
        try (InputStream rbac = Files.newInputStream(RepoFiles.find("manifests/proxy/rbac.yaml"))) {
            cluster.admin().load(rbac).serverSideApply();
        }
        TestTls tls = TestTls.issue("agentguard-proxy");
        int port = freePort();
        int health = freePort();
        Path log = tls.directory().resolve("proxy.log");
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(Map.ofEntries(
                Map.entry("AGENTGUARD_PROXY_PORT", Integer.toString(port)),
                Map.entry("AGENTGUARD_PROXY_HOST", "127.0.0.1"),
                Map.entry("AGENTGUARD_PROXY_TLS_CERT_FILE", tls.certificate().toString()),
                Map.entry("AGENTGUARD_PROXY_TLS_KEY_FILE", tls.key().toString()),
                Map.entry("AGENTGUARD_PROXY_NODE_NAME", node),
                Map.entry("AGENTGUARD_PROXY_RECORDING_DIRECTORY", tls.directory().resolve("recordings").toString()),
                Map.entry("AGENTGUARD_PROXY_AUDIT_STDOUT", "false"),
                Map.entry("QUARKUS_HTTP_PORT", Integer.toString(health)),
                Map.entry("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", cluster.url()),
                Map.entry("QUARKUS_KUBERNETES_CLIENT_CA_CERT_DATA", Base64.getEncoder().encodeToString(
                        cluster.caCertificatePem().getBytes(StandardCharsets.UTF_8))),
                Map.entry("QUARKUS_KUBERNETES_CLIENT_TOKEN", cluster.tokenFor("agentguard-system", "agentguard-proxy"))));
        return new ProxyProcess(builder.start(), port, health, tls.caCertificate(), log);
    }

    /** The readiness probe's status code, or -1 while nothing listens. */
    public int readiness() {
        if (!process.isAlive()) {
            throw new IllegalStateException("proxy exited: " + logText());
        }
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health
                    + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
