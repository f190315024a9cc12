package dev.agentguard.testing.apps;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentguard.testing.kube.KubeCluster;

/**
 * The packaged operator as its Deployment runs it: the container's environment, its
 * ServiceAccount's token (so it acts with exactly the RBAC installed for it), health on a
 * port chosen here. Tests that need the operator's beans run it in-process (@QuarkusTest);
 * this is for tests of an install, where it must be the shipped artifact.
 */
public record OperatorProcess(PackagedApp app, int health) implements AutoCloseable {

    public static OperatorProcess start(KubeCluster cluster, String token, Map<String, String> environment) {
        Path dir = PackagedApp.newDirectory("agentguard-operator");
        int health = PackagedApp.freePort();
        Map<String, String> env = new HashMap<>(Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
        env.putAll(environment);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(health));
        env.putAll(PackagedApp.kubeconfigEnvironment(cluster, token, dir));
        PackagedApp app = PackagedApp.start("operator", dir, env, List.of());
        app.awaitOk("http://127.0.0.1:" + health + "/q/health/ready", Duration.ofSeconds(90));
        return new OperatorProcess(app, health);
    }

    @Override
    public void close() {
        app.close();
    }
}
