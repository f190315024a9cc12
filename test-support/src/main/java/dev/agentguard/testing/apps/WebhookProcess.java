package dev.agentguard.testing.apps;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeCluster;

/**
 * The packaged admission webhook as its Deployment runs it: its own ServiceAccount
 * with {@code manifests/webhook/rbac.yaml}, serving HTTPS on every interface (the
 * API server reaches it through its Service) from the given certificate files.
 */
public record WebhookProcess(PackagedApp app, int port, int management) implements AutoCloseable {

    /** @param settings further environment variables, overriding the defaults here */
    public static WebhookProcess start(KubeApiServer cluster, Path certFile, Path keyFile,
            Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "AGENTGUARD_WEBHOOK_TLS_CERT_FILE", certFile.toString(),
                "AGENTGUARD_WEBHOOK_TLS_KEY_FILE", keyFile.toString()));
        environment.putAll(settings);
        return start(cluster, AgentGuardInstall.component(cluster, "webhook"), environment);
    }

    /**
     * As a rendered Deployment runs it: {@code environment} is the container's (file paths
     * pointing at local copies of its mounts, the serving pair included), {@code token} its
     * ServiceAccount's. The ports are chosen here (a local process cannot have the pod's).
     */
    public static WebhookProcess start(KubeCluster cluster, String token, Map<String, String> environment) {
        Path dir = PackagedApp.newDirectory("agentguard-webhook");
        int port = PackagedApp.freePort();
        int management = PackagedApp.freePort();
        Map<String, String> env = new HashMap<>(Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
        env.putAll(environment);
        env.putAll(Map.of(
                "QUARKUS_HTTP_SSL_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(management)));
        env.putAll(PackagedApp.kubeconfigEnvironment(cluster, token, dir));
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
