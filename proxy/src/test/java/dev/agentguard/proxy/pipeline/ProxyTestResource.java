package dev.agentguard.proxy.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.TestTls;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs the proxy under test as the DaemonSet runs it: the CRDs installed, its
 * own ServiceAccount with the RBAC shipped in {@code manifests/proxy/rbac.yaml},
 * a serving certificate whose CA the shims trust, and node name {@value #NODE}.
 */
public class ProxyTestResource implements QuarkusTestResourceLifecycleManager {

    static final String NODE = "node-a";
    static int port;
    static Path caFile;
    static Path auditFile;
    static Path recordings;

    @Override
    public Map<String, String> start() {
        KubeApiServer cluster = KubeApiServer.shared();
        var admin = cluster.admin();
        KubeApiServer.ClientCertificate identity = AgentGuardInstall.componentCertificate(cluster, "proxy");
        // No operator runs here: the test publishes the policy bundle with the operator's code.
        TestBundlePublisher.ensureStarted(admin);
        // The agent pods' nodes exist (nobody runs them), so pod garbage collection leaves the pods alone.
        for (String node : new String[] {NODE, "node-b"}) {
            admin.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
                    .withName(node).endMetadata().build()).serverSideApply();
        }

        // Also the name the operator issues it for, which the recordings client verifies.
        TestTls tls = TestTls.issue("agentguard-proxy", java.util.List.of("agentguard-proxy.agentguard-system.svc"));
        caFile = tls.caCertificate();
        auditFile = tls.directory().resolve("audit.jsonl");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        recordings = tls.directory().resolve("recordings");
        return Map.ofEntries(
                    Map.entry("agentguard.proxy.recording.directory", recordings.toString()),
                    Map.entry("agentguard.proxy.audit.file", auditFile.toString()),
                    Map.entry("agentguard.proxy.port", Integer.toString(port)),
                    Map.entry("agentguard.proxy.host", "127.0.0.1"),
                    Map.entry("agentguard.proxy.tls-cert-file", tls.certificate().toString()),
                    Map.entry("agentguard.proxy.tls-key-file", tls.key().toString()),
                    Map.entry("agentguard.proxy.node-name", NODE),
                    Map.entry("quarkus.kubernetes-client.api-server-url", cluster.url()),
                    Map.entry("quarkus.kubernetes-client.ca-cert-data", Base64.getEncoder().encodeToString(
                            cluster.caCertificatePem().getBytes(StandardCharsets.UTF_8))),
                    Map.entry("quarkus.kubernetes-client.client-cert-file", identity.certificate().toString()),
                    Map.entry("quarkus.kubernetes-client.client-key-file", identity.key().toString()));
    }

    @Override
    public void stop() {
        // The control plane is shared by the test run.
    }
}
