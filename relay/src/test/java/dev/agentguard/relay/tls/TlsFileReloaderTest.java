package dev.agentguard.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.agentguard.testing.kube.ServedCertificate;
import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import dev.agentguard.testing.kube.ProjectedFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLOptions;

/**
 * Rotated files, written the way the kubelet updates a mounted Secret or ConfigMap, reach a running
 * server (its certificate) or client (its trust) without a restart; files that do not load leave the
 * previous options in force.
 */
class TlsFileReloaderTest {

    private static final String NAME = "agentguard-proxy";
    // Far beyond any test: the tests drive checkNow() themselves instead of waiting on a timer.
    private static final Duration MANUAL = Duration.ofHours(1);

    private final Vertx vertx = Vertx.vertx();
    private final CertificateAuthority ca = CertificateAuthority.create("ca-a", Duration.ofDays(1));

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aServerServesTheNewCertificateAfterTheFilesChange(@TempDir Path dir) throws Exception {
        ProjectedFiles secret = new ProjectedFiles(dir);
        IssuedCertificate first = issue("first");
        secret.write(pair(first, first));
        HttpServerOptions options = serverOptions(secret);
        TlsFileReloader reloader = new TlsFileReloader(List.of(secret.path("tls.crt"), secret.path("tls.key")),
                () -> new SSLOptions(options.getSslOptions()));
        HttpServer server = listen(options);
        try (reloader) {
            reloader.start(vertx, MANUAL, server::updateSSLOptions);
            assertThat(ServedCertificate.at(server.actualPort()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());
            assertThat(join(reloader.checkNow())).as("unchanged files are not reloaded").isFalse();

            IssuedCertificate second = issue("second");
            secret.write(pair(second, second));
            assertThat(reloader.upToDate()).isFalse();
            assertThat(join(reloader.checkNow())).isTrue();
            assertThat(reloader.upToDate()).isTrue();
            assertThat(ServedCertificate.at(server.actualPort()).getSerialNumber())
                    .isEqualTo(second.certificate().getSerialNumber());
        }
    }

    @Test
    void aServerKeepsItsCertificateWhileTheNewFilesAreBrokenAndTakesThemOnceFixed(@TempDir Path dir)
            throws Exception {
        ProjectedFiles secret = new ProjectedFiles(dir);
        IssuedCertificate first = issue("first");
        secret.write(pair(first, first));
        HttpServerOptions options = serverOptions(secret);
        TlsFileReloader reloader = new TlsFileReloader(List.of(secret.path("tls.crt"), secret.path("tls.key")),
                () -> new SSLOptions(options.getSslOptions()));
        HttpServer server = listen(options);
        try (reloader) {
            reloader.start(vertx, MANUAL, server::updateSSLOptions);
            secret.write(Map.of("tls.crt", "not a certificate", "tls.key", first.privateKeyPem()));

            assertThatThrownBy(() -> join(reloader.checkNow())).isInstanceOf(ExecutionException.class);
            assertThat(reloader.upToDate()).isFalse();
            assertThat(ServedCertificate.at(server.actualPort()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());

            IssuedCertificate second = issue("second");
            secret.write(pair(second, second));
            assertThat(join(reloader.checkNow())).as("the next check tries again").isTrue();
            assertThat(ServedCertificate.at(server.actualPort()).getSerialNumber())
                    .isEqualTo(second.certificate().getSerialNumber());
        }
    }

    @Test
    void aClientTrustsTheNewBundleAfterTheFileChanges(@TempDir Path dir) throws Exception {
        CertificateAuthority next = CertificateAuthority.create("ca-b", Duration.ofDays(1));
        HttpServer server = listen(new HttpServerOptions().setKeyCertOptions(pem(issue("by-a"))));
        ProjectedFiles bundle = new ProjectedFiles(dir);
        bundle.write(Map.of("ca.crt", ca.root().certificatePem()));
        HttpClientOptions options = clientOptions(bundle);
        TlsFileReloader reloader = new TlsFileReloader(List.of(bundle.path("ca.crt")),
                () -> new SSLOptions(options.getSslOptions()));
        HttpClient client = vertx.createHttpClient(options);
        try (reloader) {
            reloader.start(vertx, MANUAL, client::updateSSLOptions);
            assertThat(get(client, server)).isEqualTo("ok");

            bundle.write(Map.of("ca.crt", next.root().certificatePem() + ca.root().certificatePem()));
            assertThat(join(reloader.checkNow())).isTrue();
            assertThat(get(client, server)).as("the old CA is still trusted").isEqualTo("ok");
            join(server.updateSSLOptions(new SSLOptions().setKeyCertOptions(pem(issue(next, "by-b"))), true));
            assertThat(get(client, server)).as("and so is the new one").isEqualTo("ok");

            bundle.write(Map.of("ca.crt", next.root().certificatePem()));
            assertThat(join(reloader.checkNow())).isTrue();
            join(server.updateSSLOptions(new SSLOptions().setKeyCertOptions(pem(issue("by-a-again"))), true));
            assertThatThrownBy(() -> get(client, server)).as("the dropped CA is no longer trusted")
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aClientKeepsItsTrustWhileTheNewBundleIsBroken(@TempDir Path dir) throws Exception {
        HttpServer server = listen(new HttpServerOptions().setKeyCertOptions(pem(issue("by-a"))));
        ProjectedFiles bundle = new ProjectedFiles(dir);
        bundle.write(Map.of("ca.crt", ca.root().certificatePem()));
        HttpClientOptions options = clientOptions(bundle);
        TlsFileReloader reloader = new TlsFileReloader(List.of(bundle.path("ca.crt")),
                () -> new SSLOptions(options.getSslOptions()));
        HttpClient client = vertx.createHttpClient(options);
        try (reloader) {
            reloader.start(vertx, MANUAL, client::updateSSLOptions);
            // A Vert.x client reads its trust at its first connection; only then is there a previous one to keep.
            assertThat(get(client, server)).isEqualTo("ok");

            for (String broken : List.of("-----BEGIN CERTIFICATE-----\ntruncated", "")) {
                bundle.write(Map.of("ca.crt", broken));
                assertThatThrownBy(() -> join(reloader.checkNow())).isInstanceOf(ExecutionException.class);
                assertThat(get(client, server)).isEqualTo("ok");
            }
        }
    }

    @Test
    void missingFilesAreNoChange(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ca.crt"), "A");
        List<SSLOptions> handedOver = new CopyOnWriteArrayList<>();
        try (TlsFileReloader reloader = new TlsFileReloader(List.of(file), SSLOptions::new)) {
            reloader.start(vertx, MANUAL, (options, force) -> {
                handedOver.add(options);
                return Future.succeededFuture(true);
            });
            Files.delete(file);

            assertThat(join(reloader.checkNow())).isFalse();
            assertThat(handedOver).isEmpty();
        }
    }

    @Test
    void theTimerHandsOverAChangeUnasked(@TempDir Path dir) {
        ProjectedFiles bundle = new ProjectedFiles(dir);
        bundle.write(Map.of("ca.crt", "A"));
        List<Boolean> forced = new CopyOnWriteArrayList<>();
        try (TlsFileReloader reloader = new TlsFileReloader(List.of(bundle.path("ca.crt")), SSLOptions::new)) {
            reloader.start(vertx, Duration.ofMillis(20), (options, force) -> {
                forced.add(force);
                return Future.succeededFuture(true);
            });
            bundle.write(Map.of("ca.crt", "B+A"));

            await().atMost(Duration.ofSeconds(10)).until(reloader::upToDate);
            assertThat(forced).containsExactly(true);
        }
    }

    private IssuedCertificate issue(String name) {
        return issue(ca, name);
    }

    private static IssuedCertificate issue(CertificateAuthority by, String name) {
        return by.issueServer(name, List.of(NAME), List.of("127.0.0.1"), Duration.ofHours(1));
    }

    private static Map<String, String> pair(IssuedCertificate cert, IssuedCertificate key) {
        return Map.of("tls.crt", cert.certificatePem(), "tls.key", key.privateKeyPem());
    }

    private static HttpServerOptions serverOptions(ProjectedFiles secret) {
        return new HttpServerOptions().setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(secret.path("tls.crt").toString())
                .setKeyPath(secret.path("tls.key").toString()));
    }

    private static HttpClientOptions clientOptions(ProjectedFiles bundle) {
        // No keep-alive: every request is a new handshake, checked against the trust in force.
        return new HttpClientOptions().setSsl(true).setVerifyHost(true).setKeepAlive(false)
                .setTrustOptions(new PemTrustOptions().addCertPath(bundle.path("ca.crt").toString()));
    }

    private HttpServer listen(HttpServerOptions options) throws Exception {
        return join(vertx.createHttpServer(options.setSsl(true).setHost("127.0.0.1").setPort(0))
                .requestHandler(request -> request.response().end("ok"))
                .listen());
    }

    private static String get(HttpClient client, HttpServer server) throws Exception {
        return join(client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                .compose(request -> request.send().compose(response -> response.body()))
                .map(Buffer::toString));
    }

    private static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static PemKeyCertOptions pem(IssuedCertificate certificate) {
        return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.certificatePem()))
                .setKeyValue(Buffer.buffer(certificate.privateKeyPem()));
    }

}
