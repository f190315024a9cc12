package dev.agentguard.webhook.admission;

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
 * Runs the webhook under test as it runs in a cluster: serving TLS from a
 * certificate signed by a CA the API server trusts (the caBundle), and talking
 * to the real API server as its own ServiceAccount with the RBAC shipped in
 * {@code manifests/webhook/rbac.yaml}.
 */
public class WebhookTestResource implements QuarkusTestResourceLifecycleManager {

    static final CertificateAuthority CA = CertificateAuthority.create("webhook-test-ca", Duration.ofHours(6));
    static int port;

    @Override
    public Map<String, String> start() {
        KubeApiServer cluster = KubeApiServer.shared();
        var admin = cluster.admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("agentguard-system")
                .endMetadata().build()).serverSideApply();
        try (InputStream rbac = Files.newInputStream(repoFile("manifests/webhook/rbac.yaml"))) {
            admin.load(rbac).serverSideApply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String token = cluster.tokenFor("agentguard-system", "agentguard-webhook");

        IssuedCertificate serving = CA.issueServer("agentguard-webhook", List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofHours(6));
        Path dir = write(serving);
        port = freePort();
        return Map.of(
                "quarkus.http.test-ssl-port", Integer.toString(port),
                "quarkus.http.ssl.certificate.files", dir.resolve("tls.crt").toString(),
                "quarkus.http.ssl.certificate.key-files", dir.resolve("tls.key").toString(),
                "quarkus.kubernetes-client.api-server-url", cluster.url(),
                "quarkus.kubernetes-client.ca-cert-data", base64(cluster.caCertificatePem()),
                "quarkus.kubernetes-client.token", token);
    }

    @Override
    public void stop() {
        // The control plane is shared by the whole test run and stops at JVM exit.
    }

    static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    private static Path write(IssuedCertificate serving) {
        try {
            Path dir = Files.createTempDirectory("webhook-tls");
            Files.writeString(dir.resolve("tls.crt"), serving.certificatePem());
            Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem());
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
