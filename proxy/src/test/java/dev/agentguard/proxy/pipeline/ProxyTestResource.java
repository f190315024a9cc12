package dev.agentguard.proxy.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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

    @Override
    public Map<String, String> start() {
        KubeApiServer cluster = KubeApiServer.shared();
        var admin = cluster.admin();
        check(cluster.kubectl(null, "apply", "--server-side", "-f", repoFile("manifests/crds").toString()));
        check(cluster.kubectl(null, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/agentpolicies.agentguard.dev", "crd/clusteragentpolicies.agentguard.dev",
                "crd/approvalrequests.agentguard.dev"));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("agentguard-system")
                .endMetadata().build()).serverSideApply();
        try (InputStream rbac = Files.newInputStream(repoFile("manifests/proxy/rbac.yaml"))) {
            admin.load(rbac).serverSideApply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String token = cluster.tokenFor("agentguard-system", "agentguard-proxy");

        CertificateAuthority ca = CertificateAuthority.create("proxy-test-ca", Duration.ofHours(6));
        IssuedCertificate serving = ca.issueServer("agentguard-proxy", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofHours(6));
        try {
            Path dir = Files.createTempDirectory("proxy-tls");
            Files.writeString(dir.resolve("tls.crt"), serving.certificatePem());
            Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem());
            caFile = dir.resolve("ca.crt");
            Files.writeString(caFile, ca.root().certificatePem());
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            auditFile = dir.resolve("audit.jsonl");
            return Map.of(
                    "agentguard.proxy.audit.file", auditFile.toString(),
                    "agentguard.proxy.port", Integer.toString(port),
                    "agentguard.proxy.host", "127.0.0.1",
                    "agentguard.proxy.tls-cert-file", dir.resolve("tls.crt").toString(),
                    "agentguard.proxy.tls-key-file", dir.resolve("tls.key").toString(),
                    "agentguard.proxy.node-name", NODE,
                    "quarkus.kubernetes-client.api-server-url", cluster.url(),
                    "quarkus.kubernetes-client.ca-cert-data", Base64.getEncoder().encodeToString(
                            cluster.caCertificatePem().getBytes(StandardCharsets.UTF_8)),
                    "quarkus.kubernetes-client.token", token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // The control plane is shared by the test run.
    }

    static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found");
    }

    private static void check(KubeApiServer.KubectlResult result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kubectl failed: " + result.stderr());
        }
    }
}
