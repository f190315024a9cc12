package dev.agentguard.testing.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;

/**
 * The packaged admission webhook as its Deployment runs it: its own ServiceAccount
 * with {@code manifests/webhook/rbac.yaml}, serving HTTPS on every interface (the
 * API server reaches it through its Service) from the given certificate files.
 */
public record WebhookProcess(PackagedApp app, int port, int management) implements AutoCloseable {

    /** @param settings further environment variables, overriding the defaults here */
    public static WebhookProcess start(KubeApiServer cluster, Path certFile, Path keyFile,
            Map<String, String> settings) {
        String token = AgentGuardInstall.component(cluster, "webhook");
        Path dir;
        try {
            dir = Files.createTempDirectory("agentguard-webhook");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = PackagedApp.freePort();
        int management = PackagedApp.freePort();
        Map<String, String> env = new HashMap<>(Map.of(
                "QUARKUS_HTTP_SSL_PORT", Integer.toString(port),
                "AGENTGUARD_WEBHOOK_TLS_CERT_FILE", certFile.toString(),
                "AGENTGUARD_WEBHOOK_TLS_KEY_FILE", keyFile.toString(),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(management),
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
        env.putAll(PackagedApp.kubeconfigEnvironment(cluster, token, dir));
        env.putAll(settings);
        PackagedApp app = PackagedApp.start("webhook", dir, env, List.of());
        // Health is served by the management interface, which may answer before HTTPS is bound.
        app.awaitOk("http://127.0.0.1:" + management + "/q/health/ready", Duration.ofSeconds(60));
        app.awaitListening(port, Duration.ofSeconds(60));
        return new WebhookProcess(app, port, management);
    }

    @Override
    public void close() {
        app.close();
    }
}
