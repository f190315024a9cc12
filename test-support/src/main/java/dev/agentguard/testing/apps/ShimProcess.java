package dev.agentguard.testing.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged exec-shim as the webhook injects it, in front of a node proxy: it
 * holds the pod's real token in {@link #tokenFile()} and writes the placeholder
 * credentials the agent sees into {@link #credentials()}.
 */
public record ShimProcess(PackagedApp app, int port, Path credentials, Path tokenFile) implements AutoCloseable {

    public static ShimProcess start(String upstream, Path upstreamCa, String podToken, String namespace) {
        return start(upstream, upstreamCa, podToken, namespace, Map.of(), List.of());
    }

    /**
     * @param settings   further environment variables ({@code AGENTGUARD_SHIM_*}), e.g. the upstream server name
     * @param jvmOptions JVM flags, e.g. those the webhook injects into the shim container
     */
    public static ShimProcess start(String upstream, Path upstreamCa, String podToken, String namespace,
            Map<String, String> settings, List<String> jvmOptions) {
        try {
            Path dir = Files.createTempDirectory("agentguard-shim");
            Path tokenFile = Files.writeString(dir.resolve("token"), podToken);
            Path credentials = dir.resolve("credentials");
            int port = PackagedApp.freePort();
            int health = PackagedApp.freePort();
            Map<String, String> env = new HashMap<>(Map.of(
                    "AGENTGUARD_SHIM_PORT", Integer.toString(port),
                    "AGENTGUARD_SHIM_UPSTREAM", upstream,
                    "AGENTGUARD_SHIM_UPSTREAM_CA_FILE", upstreamCa.toString(),
                    "AGENTGUARD_SHIM_TOKEN_FILE", tokenFile.toString(),
                    "AGENTGUARD_SHIM_CREDENTIALS_DIR", credentials.toString(),
                    "AGENTGUARD_POD_NAMESPACE", namespace,
                    "QUARKUS_HTTP_PORT", Integer.toString(health),
                    "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
            env.putAll(settings);
            PackagedApp app = PackagedApp.start("exec-shim", dir, env, jvmOptions);
            // The startup probe the webhook gives the container: true once the credentials are written.
            app.awaitOk("http://127.0.0.1:" + health + "/q/health/started", Duration.ofSeconds(60));
            return new ShimProcess(app, port, credentials, tokenFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return app.pid();
    }

    /** The placeholder token the agent holds. */
    public String placeholderToken() {
        return read(credentials.resolve("token")).trim();
    }

    /** The CA the agent trusts for the shim's own serving certificate. */
    public Path agentCaFile() {
        return credentials.resolve("ca.crt");
    }

    /** A kubeconfig exactly as the agent's in-cluster client sees the world: shim address, CA and placeholder. */
    public Path agentKubeconfig() {
        Path file = credentials.getParent().resolve("agent.kubeconfig");
        try {
            return Files.writeString(file, """
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
                    """.formatted(port, agentCaFile(), credentials.resolve("token")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
