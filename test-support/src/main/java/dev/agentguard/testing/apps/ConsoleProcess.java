package dev.agentguard.testing.apps;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentguard.testing.kube.KubeCluster;

/**
 * The packaged approver console as its Deployment runs it: its own ServiceAccount's token,
 * its rendered container's environment, HTTP on {@code localhost} (where browsers accept its
 * Secure cookies, as they would behind the Ingress's TLS).
 */
public record ConsoleProcess(PackagedApp app, int port, int management) implements AutoCloseable {

    public static ConsoleProcess start(KubeCluster cluster, String token, Map<String, String> environment) {
        Path dir = PackagedApp.newDirectory("agentguard-console");
        int port = PackagedApp.freePort();
        int management = PackagedApp.freePort();
        Map<String, String> env = new HashMap<>(Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
        env.putAll(environment);
        env.putAll(Map.of(
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(management)));
        env.putAll(PackagedApp.kubeconfigEnvironment(cluster, token, dir));
        PackagedApp app = PackagedApp.start("console", dir, env, List.of());
        app.awaitOk("http://127.0.0.1:" + management + "/q/health/ready", Duration.ofSeconds(60));
        app.awaitListening(port, Duration.ofSeconds(60));
        return new ConsoleProcess(app, port, management);
    }

    /** Where a browser opens the console. */
    public String url() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() {
        app.close();
    }
}
