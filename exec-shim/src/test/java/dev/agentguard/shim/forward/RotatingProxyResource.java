package dev.agentguard.shim.forward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import dev.agentguard.relay.tls.ServingKeyManager;
import dev.agentguard.testing.kube.ProjectedFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;

/**
 * What the shim sees of a CA rotation: a node proxy (an in-test HTTPS server) whose serving
 * certificate can be re-issued by either CA, and the {@code agentguard-proxy-ca} ConfigMap mounted the
 * kubelet's way, whose bundle the test rewrites. The shim is configured as the webhook configures it
 * (proxy's Service name verified while connecting to an IP), with a short reload period so the test
 * runs in well under a second per phase.
 */
public class RotatingProxyResource implements QuarkusTestResourceLifecycleManager {

    static final String SERVER_NAME = "agentguard-proxy.agentguard-system.svc";
    static final String REAL_TOKEN = "real-bound-token";
    static final CertificateAuthority OLD = CertificateAuthority.create("agentguard-ca-old", Duration.ofDays(1));
    static final CertificateAuthority NEW = CertificateAuthority.create("agentguard-ca-new", Duration.ofDays(1));

    static Vertx vertx;
    static HttpServer proxy;
    /** Swapped like the real proxy's serving certificate. */
    static ServingKeyManager servingKeys;
    static ProjectedFiles proxyCa;
    static Path credentialsDir;
    static int port;
    /** The response to the one long request ({@code /watch}), held open until the test ends it. */
    static final CompletableFuture<HttpServerResponse> watch = new CompletableFuture<>();

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("shim-rotation");
            proxyCa = new ProjectedFiles(dir.resolve("proxy-ca"));
            proxyCa.write(Map.of("ca.crt", OLD.root().certificatePem()));
            Path token = Files.writeString(dir.resolve("token"), REAL_TOKEN);
            credentialsDir = dir.resolve("credentials");
            port = freePort();
            vertx = Vertx.vertx();
            servingKeys = ServingKeyManager.load(vertx, servingCertificate(OLD));
            proxy = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                            .setKeyCertOptions(KeyCertOptions.wrap(servingKeys)))
                    .requestHandler(RotatingProxyResource::handle)
                    .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return Map.of(
                    "agentguard.shim.port", Integer.toString(port),
                    "agentguard.shim.upstream", "https://127.0.0.1:" + proxy.actualPort(),
                    "agentguard.shim.upstream-server-name", SERVER_NAME,
                    "agentguard.shim.upstream-ca-file", proxyCa.path("ca.crt").toString(),
                    "agentguard.shim.upstream-ca-reload-period", "50ms",
                    "agentguard.shim.token-file", token.toString(),
                    "agentguard.shim.credentials-dir", credentialsDir.toString(),
                    "agentguard.pod.namespace", "rotation");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test proxy", e);
        }
    }

    /**
     * Has the proxy serve a certificate from {@code ca} in a fresh TLS context: no session from
     * before can be resumed, so the next connection is a full handshake that checks the shim's
     * trust. (The in-place swap keeps the context, and a client may resume a session it
     * established with the previous certificate, which it trusted.)
     */
    static void restartTlsWith(CertificateAuthority ca) throws Exception {
        proxy.updateSSLOptions(new SSLOptions().setKeyCertOptions(servingCertificate(ca)), true)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Has the proxy serve, to new handshakes, a certificate freshly issued by {@code ca}, as the proxy swaps it. */
    static void serveCertificateFrom(CertificateAuthority ca) throws Exception {
        servingKeys.reload(vertx, new SSLOptions().setKeyCertOptions(servingCertificate(ca)))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void handle(HttpServerRequest request) {
        if (!("Bearer " + REAL_TOKEN).equals(request.getHeader("Authorization"))) {
            request.response().setStatusCode(401).end();
        } else if (request.path().equals("/watch")) {
            HttpServerResponse response = request.response().setChunked(true);
            response.write("first\n");
            watch.complete(response);
        } else {
            // A new connection, so a new handshake, for every request: each one is checked against
            // the trust in force, instead of riding a pooled connection from before a change.
            request.response().putHeader("Connection", "close").end("reached");
        }
    }

    private static PemKeyCertOptions servingCertificate(CertificateAuthority ca) {
        // As the operator issues it: one certificate for every node, named for the Service, no IP.
        IssuedCertificate certificate = ca.issueServer("agentguard-proxy", List.of(SERVER_NAME), List.of(),
                Duration.ofHours(1));
        return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.certificatePem()))
                .setKeyValue(Buffer.buffer(certificate.privateKeyPem()));
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
