package dev.agentguard.webhook.admission;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.TestTls;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs the webhook under test as it runs in a cluster: serving TLS from a
 * certificate signed by a CA the API server trusts (the caBundle), and talking
 * to the real API server as its own ServiceAccount with the RBAC shipped in
 * {@code manifests/webhook/rbac.yaml}.
 */
public class WebhookTestResource implements QuarkusTestResourceLifecycleManager {

    static final TestTls TLS = TestTls.issue("agentguard-webhook");
    static int port;

    @Override
    public Map<String, String> start() {
        KubeApiServer cluster = KubeApiServer.shared();
        var admin = cluster.admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("agentguard-system")
                .endMetadata().build()).serverSideApply();
        try (InputStream rbac = Files.newInputStream(RepoFiles.find("manifests/webhook/rbac.yaml"))) {
            admin.load(rbac).serverSideApply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Its identity as files: Quarkus prints kubernetes-client settings it did not build with.
        KubeApiServer.ClientCertificate identity = cluster.serviceAccountCertificate("agentguard-system",
                "agentguard-webhook");

        port = freePort();
        return Map.of(
                "quarkus.http.test-ssl-port", Integer.toString(port),
                "agentguard.webhook.tls.cert-file", TLS.certificate().toString(),
                "agentguard.webhook.tls.key-file", TLS.key().toString(),
                "quarkus.kubernetes-client.api-server-url", cluster.url(),
                "quarkus.kubernetes-client.ca-cert-data", base64(cluster.caCertificatePem()),
                "quarkus.kubernetes-client.client-cert-file", identity.certificate().toString(),
                "quarkus.kubernetes-client.client-key-file", identity.key().toString());
    }

    @Override
    public void stop() {
        // The control plane is shared by the whole test run and stops at JVM exit.
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
