package dev.agentguard.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** A rotated certificate on disk is served to new connections without restarting the server. */
class CertificateReloaderTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void servesTheNewCertificateAfterTheFilesChange(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        IssuedCertificate first = ca.issueServer("first", List.of("agentguard-proxy"), List.of(), Duration.ofHours(1));
        write(dir, cert, key, first);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setPort(0)
                        .setHost("127.0.0.1")
                        .setKeyCertOptions(CertificateReloader.sslOptions(cert, key).getKeyCertOptions()))
                .requestHandler(r -> r.response().end("ok"))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // A long period: the test drives checkNow() itself, so it does not wait on a timer.
        try (CertificateReloader reloader = new CertificateReloader(vertx, server, cert, key, Duration.ofHours(1))) {
            assertThat(served(server.actualPort()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());
            assertThat(reloader.checkNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .as("unchanged files are not reloaded").isFalse();

            IssuedCertificate second = ca.issueServer("second", List.of("agentguard-proxy"), List.of(),
                    Duration.ofHours(1));
            write(dir, cert, key, second);
            assertThat(reloader.checkNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isTrue();
            assertThat(served(server.actualPort()).getSerialNumber())
                    .isEqualTo(second.certificate().getSerialNumber());
        }
    }

    @Test
    void keepsTheOldCertificateWhenTheNewFilesAreBroken(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofDays(1));
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        IssuedCertificate first = ca.issueServer("first", List.of("agentguard-proxy"), List.of(), Duration.ofHours(1));
        write(dir, cert, key, first);
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setPort(0)
                        .setHost("127.0.0.1")
                        .setKeyCertOptions(CertificateReloader.sslOptions(cert, key).getKeyCertOptions()))
                .requestHandler(r -> r.response().end("ok"))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (CertificateReloader reloader = new CertificateReloader(vertx, server, cert, key, Duration.ofHours(1))) {
            Files.writeString(cert, "not a certificate, and a different size than before");
            try {
                reloader.checkNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception expected) {
                // refused: the server keeps the previous certificate
            }
            assertThat(served(server.actualPort()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());
        }
    }

    private static void write(Path dir, Path cert, Path key, IssuedCertificate issued) throws Exception {
        // Like the kubelet: write beside, then move into place.
        Path tmpCert = Files.createTempFile(dir, "crt", ".tmp");
        Path tmpKey = Files.createTempFile(dir, "key", ".tmp");
        Files.writeString(tmpCert, issued.certificatePem());
        Files.writeString(tmpKey, issued.privateKeyPem());
        Files.move(tmpKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509Certificate served(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
