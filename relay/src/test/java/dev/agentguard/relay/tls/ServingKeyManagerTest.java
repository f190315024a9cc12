package dev.agentguard.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.agentguard.testing.kube.ServedCertificate;
import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLOptions;

/**
 * A served certificate replaced under load: no handshake fails, and a pair that does not match
 * is refused. With both TLS engines: the proxy's listener uses OpenSSL by default, which must
 * still ask the key manager at each handshake.
 */
class ServingKeyManagerTest {

    private final Vertx vertx = Vertx.vertx();
    private final CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1));

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void noHandshakeFailsWhileThePairIsSwappedUnderLoad(TlsEngine engine) throws Exception {
        List<IssuedCertificate> pairs = List.of(issue("one"), issue("two"), issue("three"));
        ServingKeyManager keys = ServingKeyManager.load(vertx, pem(pairs.get(0)));
        HttpServer server = listen(keys, engine);
        // No keep-alive: every request is a new connection and a new handshake.
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setKeepAlive(false).setMaxPoolSize(16)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca.root().certificatePem()))));

        List<Future<Integer>> requests = new ArrayList<>();
        List<Future<Boolean>> swaps = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            requests.add(client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                    .compose(request -> request.send()).map(response -> response.statusCode()));
            if (i % 10 == 0) {
                swaps.add(keys.reload(vertx, new SSLOptions().setKeyCertOptions(pem(pairs.get(i / 10 % 3)))));
            }
        }
        for (Future<Boolean> swap : swaps) {
            assertThat(join(swap)).isTrue();
        }
        for (Future<Integer> request : requests) {
            assertThat(join(request)).isEqualTo(200);
        }
        // The swaps above ran concurrently, in no set order; the last one asked for now decides.
        IssuedCertificate last = issue("last");
        assertThat(join(keys.reload(vertx, new SSLOptions().setKeyCertOptions(pem(last))))).isTrue();
        assertThat(ServedCertificate.at(server.actualPort()).getSerialNumber()).isEqualTo(last.certificate().getSerialNumber());
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void aKeyThatIsNotTheCertificatesIsRefusedAndTheServedPairKept(TlsEngine engine) throws Exception {
        IssuedCertificate first = issue("first");
        IssuedCertificate other = issue("other");
        PemKeyCertOptions mismatched = new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(other.certificatePem()))
                .setKeyValue(Buffer.buffer(first.privateKeyPem()));

        assertThatThrownBy(() -> ServingKeyManager.load(vertx, mismatched))
                .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("does not belong to the certificate");

        ServingKeyManager keys = ServingKeyManager.load(vertx, pem(first));
        HttpServer server = listen(keys, engine);
        assertThatThrownBy(() -> join(keys.reload(vertx, new SSLOptions().setKeyCertOptions(mismatched))))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("does not belong to the certificate");
        assertThatThrownBy(() -> join(keys.reload(vertx, new SSLOptions().setKeyCertOptions(new PemKeyCertOptions()
                .setCertValue(Buffer.buffer("not a certificate")).setKeyValue(Buffer.buffer(first.privateKeyPem()))))))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("cannot load the serving certificate");
        assertThat(ServedCertificate.at(server.actualPort()).getSerialNumber()).isEqualTo(first.certificate().getSerialNumber());
    }

    private IssuedCertificate issue(String name) {
        return ca.issueServer(name, List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(1));
    }

    private static PemKeyCertOptions pem(IssuedCertificate certificate) {
        return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.certificatePem()))
                .setKeyValue(Buffer.buffer(certificate.privateKeyPem()));
    }

    private HttpServer listen(ServingKeyManager keys, TlsEngine engine) throws Exception {
        return join(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1").setPort(0)
                .setSslEngineOptions(engine.options("test server")).setKeyCertOptions(KeyCertOptions.wrap(keys)))
                .requestHandler(request -> request.response().end("ok"))
                .listen());
    }

    private static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
