package dev.agentguard.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The TLS engine choice changes CPU per byte, never what is accepted: with OpenSSL as the
 * client (the proxy's leg to the API server) a server of another CA, or one whose certificate
 * names another host, is refused as with the JDK's engine, and real handshakes work across
 * engines.
 */
class TlsEngineTest {

    private final Vertx vertx = Vertx.vertx();
    private final CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1));

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void autoChoosesOpenSslWhereItsLibraryLoads() {
        // This build ships netty-tcnative for Linux x86-64, the machine the suite runs on.
        assertThat(TlsEngine.AUTO.options("test")).isInstanceOf(OpenSSLEngineOptions.class);
        assertThat(TlsEngine.describe(TlsEngine.AUTO.options("test"))).startsWith("OpenSSL BoringSSL");
        assertThat(TlsEngine.describe(TlsEngine.JDK.options("test"))).isEqualTo("JDK");
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void aServerTheClientTrustsAnswersWhateverTheEngines(TlsEngine client) throws Exception {
        for (TlsEngine server : List.of(TlsEngine.OPENSSL, TlsEngine.JDK)) {
            HttpServer listener = listen(server, ca.issueServer("api", List.of("localhost"), List.of("127.0.0.1"),
                    Duration.ofHours(1)));
            assertThat(get(client, listener, ca)).as("%s client, %s server", client, server).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void aServerOfAnotherCaIsRefused(TlsEngine client) throws Exception {
        CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(1));
        HttpServer listener = listen(TlsEngine.JDK, other.issueServer("api", List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofHours(1)));

        assertThatThrownBy(() -> get(client, listener, ca)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void aCertificateForAnotherHostIsRefused(TlsEngine client) throws Exception {
        HttpServer listener = listen(TlsEngine.JDK, ca.issueServer("elsewhere", List.of("elsewhere.example"),
                List.of("10.9.9.9"), Duration.ofHours(1)));

        assertThatThrownBy(() -> get(client, listener, ca)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SSLHandshakeException.class);
    }

    private HttpServer listen(TlsEngine engine, IssuedCertificate certificate) throws Exception {
        return join(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1").setPort(0)
                .setSslEngineOptions(engine.options("test server"))
                .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.certificatePem()))
                        .setKeyValue(Buffer.buffer(certificate.privateKeyPem()))))
                .requestHandler(request -> request.response().end("ok"))
                .listen());
    }

    private String get(TlsEngine engine, HttpServer server, CertificateAuthority trusted) throws Exception {
        var client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setSslEngineOptions(engine.options("test client"))
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(trusted.root().certificatePem()))));
        try {
            return join(client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                    .compose(request -> request.send()).compose(response -> response.body()).map(Buffer::toString));
        } finally {
            client.close();
        }
    }

    private static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
