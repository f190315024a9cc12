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
import dev.agentguard.testing.kube.KubeCluster;
import dev.agentguard.testing.kube.TestTls;

/**
 * The packaged node proxy as its DaemonSet runs it: its own ServiceAccount with the
 * RBAC in {@code manifests/proxy/rbac.yaml}, against the shared kube-apiserver,
 * serving TLS from the given files on 127.0.0.1.
 *
 * @param caFile the CA of the serving certificate, when the proxy issued its own
 */
public record ProxyProcess(PackagedApp app, int port, int health, Path caFile, Path recordings)
        implements AutoCloseable {

    /** With a fresh certificate for 127.0.0.1 from its own CA ({@link #caFile()}). */
    public static ProxyProcess start(KubeApiServer cluster, String node, Map<String, String> settings,
            List<String> jvmOptions) {
        TestTls tls = TestTls.issue("agentguard-proxy");
        return start(cluster, node, tls.certificate(), tls.key(), tls.caCertificate(), settings, jvmOptions);
    }

    public static ProxyProcess start(KubeApiServer cluster, String node) {
        return start(cluster, node, Map.of(), List.of());
    }

    /**
     * @param settings further environment variables ({@code AGENTGUARD_PROXY_*}), overriding the defaults here
     */
    public static ProxyProcess start(KubeApiServer cluster, String node, Path certFile, Path keyFile, Path caFile,
            Map<String, String> settings, List<String> jvmOptions) {
        Path recordings = PackagedApp.newDirectory("agentguard-proxy-recordings");
        Map<String, String> environment = new HashMap<>(Map.of(
                "AGENTGUARD_PROXY_TLS_CERT_FILE", certFile.toString(),
                "AGENTGUARD_PROXY_TLS_KEY_FILE", keyFile.toString(),
                "AGENTGUARD_PROXY_NODE_NAME", node,
                "AGENTGUARD_PROXY_RECORDING_DIRECTORY", recordings.toString(),
                "AGENTGUARD_PROXY_AUDIT_STDOUT", "false"));
        environment.putAll(settings);
        return start(cluster, AgentGuardInstall.component(cluster, "proxy"), environment, caFile, jvmOptions);
    }

    /**
     * As a rendered DaemonSet runs it: {@code environment} is the container's (node name
     * resolved, file paths pointing at local copies of its mounts), {@code token} its
     * ServiceAccount's. It listens on 127.0.0.1 on ports chosen here instead of the node's
     * hostPort, which a local process cannot have.
     *
     * @param caFile the CA of the serving certificate, if the caller knows it (else null)
     */
    public static ProxyProcess start(KubeCluster cluster, String token, Map<String, String> environment,
            Path caFile, List<String> jvmOptions) {
        return start(cluster, token, environment, caFile, jvmOptions, PackagedApp.freePort());
    }

    /**
     * As above, on a port the caller chose: the chart's {@code proxy.hostPort}, when a test needs
     * the DaemonSet's pod (which kwok runs at 127.0.0.1) to say truly where its proxy listens.
     */
    public static ProxyProcess start(KubeCluster cluster, String token, Map<String, String> environment,
            Path caFile, List<String> jvmOptions, int port) {
        Path dir = PackagedApp.newDirectory("agentguard-proxy");
        int health = PackagedApp.freePort();
        Map<String, String> env = new HashMap<>(Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false"));
        env.putAll(environment);
        env.putAll(Map.of(
                "AGENTGUARD_PROXY_PORT", Integer.toString(port),
                "AGENTGUARD_PROXY_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(health)));
        env.putAll(PackagedApp.kubeconfigEnvironment(cluster, token, dir));
        Path recordings = Path.of(env.getOrDefault("AGENTGUARD_PROXY_RECORDING_DIRECTORY",
                "/var/lib/agentguard/recordings"));
        return new ProxyProcess(PackagedApp.start("proxy", dir, env, jvmOptions), port, health, caFile, recordings);
    }

    /** The readiness probe's status code, or -1 while nothing listens. */
    public int readiness() {
        return app.status("http://127.0.0.1:" + health + "/q/health/ready");
    }

    /** Ready only once a policy bundle is loaded: someone (the operator, a test) must publish one. */
    public void awaitReady(Duration timeout) {
        app.awaitOk("http://127.0.0.1:" + health + "/q/health/ready", timeout);
    }

    public String caPem() {
        try {
            return Files.readString(caFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
