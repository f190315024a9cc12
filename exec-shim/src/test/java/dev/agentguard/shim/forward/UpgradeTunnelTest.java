package dev.agentguard.shim.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import dev.agentguard.shim.credentials.PlaceholderCredentials;
import dev.agentguard.shim.credentials.TokenFile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frame-level check of the upgrade tunnel: a WebSocket handshake through the
 * shim reaches the upstream with the real token, the upstream's choice of
 * subprotocol reaches the client, and binary frames (exec's channel bytes) cross
 * unchanged in both directions. The upstream is an in-test echo server; exec
 * against a real API server is covered by the proxy's end-to-end tests.
 */
class UpgradeTunnelTest {

    private static final String REAL_TOKEN = "real-bound-token";
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void webSocketFramesCrossTheShimWithTheUpstreamsSubprotocol(@TempDir Path dir) throws Exception {
        CertificateAuthority upstreamCa = CertificateAuthority.create("upstream", Duration.ofHours(1));
        IssuedCertificate upstreamCert = upstreamCa.issueServer("upstream", List.of("localhost"),
                List.of("127.0.0.1"), Duration.ofHours(1));
        CompletableFuture<String> authorizationSeen = new CompletableFuture<>();
        HttpServer upstream = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setSsl(true).setKeyCertOptions(pem(upstreamCert))
                        .addWebSocketSubProtocol("v5.channel.k8s.io"))
                .webSocketHandler(ws -> {
                    authorizationSeen.complete(ws.headers().get("Authorization"));
                    ws.binaryMessageHandler(ws::writeBinaryMessage);
                })
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        Path token = dir.resolve("token");
        Files.writeString(token, REAL_TOKEN);
        Path ca = dir.resolve("ca.crt");
        Files.writeString(ca, upstreamCa.root().certificatePem());
        PlaceholderCredentials placeholder = PlaceholderCredentials.generate();
        var client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setDefaultHost("127.0.0.1").setDefaultPort(upstream.actualPort())
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        HttpServer shim = shim(client, placeholder, token);
        var agent = agentClient(placeholder);
        var socket = agent.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(shim.actualPort())
                        .setURI("/api/v1/namespaces/ns/pods/p/exec?command=echo&stdout=true")
                        .addSubProtocol("v5.channel.k8s.io").addSubProtocol("v4.channel.k8s.io")
                        .addHeader("Authorization", "Bearer " + placeholder.token()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CompletableFuture<Buffer> echoed = new CompletableFuture<>();
        socket.binaryMessageHandler(echoed::complete);
        Buffer frame = Buffer.buffer(new byte[] {1, 'h', 'i', '\n'});
        socket.writeBinaryMessage(frame);

        assertThat(socket.subProtocol()).isEqualTo("v5.channel.k8s.io");
        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo(frame);
        assertThat(authorizationSeen.get(10, TimeUnit.SECONDS)).isEqualTo("Bearer " + REAL_TOKEN);
    }

    /**
     * The proxy writes a session's last frames and closes at once; a slow agent must still
     * get every byte and the close frame. (Vert.x reports an upgraded connection's end ahead
     * of data it still holds for a paused reader; whether that window opens here depends on
     * timing, so the order itself is checked deterministically by relay's InOrderEndTest.)
     */
    @Test
    void aSlowAgentGetsEverythingTheUpstreamWroteBeforeClosing(@TempDir Path dir) throws Exception {
        int messages = 512;
        int size = 16 * 1024;
        // Like the proxy past its closing timeout: the last frames, then the connection closes at
        // once, without waiting for the agent's answer to the close frame.
        HttpServer upstream = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(request -> {
                    request.response().headers().set("Upgrade", "websocket").set("Connection", "Upgrade")
                            .set("Sec-WebSocket-Accept", webSocketAccept(request.getHeader("Sec-WebSocket-Key")))
                            .set("Sec-WebSocket-Protocol", "v5.channel.k8s.io");
                    request.toNetSocket().onSuccess(tunnel -> {
                        Buffer frames = Buffer.buffer();
                        for (int i = 0; i < messages; i++) {
                            frames.appendByte((byte) 0x82).appendByte((byte) 126).appendUnsignedShort(size)
                                    .appendBytes(new byte[size]);
                        }
                        frames.appendBytes(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8});
                        tunnel.write(frames);
                        tunnel.close();
                    });
                })
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path token = dir.resolve("token");
        Files.writeString(token, REAL_TOKEN);
        PlaceholderCredentials placeholder = PlaceholderCredentials.generate();
        var client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(upstream.actualPort()));
        HttpServer shim = shim(client, placeholder, token);
        var agent = agentClient(placeholder);
        var socket = agent.webSocket();
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        CompletableFuture<Short> closed = new CompletableFuture<>();
        socket.binaryMessageHandler(message -> {
            received.addAndGet(message.length());
            // Slower than the upstream writes: the shim's side of the tunnel has to hold back.
            socket.pause();
            vertx.setTimer(1, id -> socket.resume());
        });
        // After the messages the close frame came behind (the close handler runs ahead of them).
        socket.endHandler(v -> closed.complete(socket.closeStatusCode()));
        socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(shim.actualPort())
                        .setURI("/api/v1/namespaces/ns/pods/p/exec?command=cat&stdout=true")
                        .addSubProtocol("v5.channel.k8s.io")
                        .addHeader("Authorization", "Bearer " + placeholder.token()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(closed.get(60, TimeUnit.SECONDS)).isEqualTo((short) 1000);
        assertThat(received.get()).isEqualTo((long) messages * size);
    }

    /** The shim's forwarder on its own TLS listener, as the agent pod sees it. */
    private HttpServer shim(io.vertx.core.http.HttpClient upstream, PlaceholderCredentials placeholder, Path token)
            throws Exception {
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setSsl(true).setKeyCertOptions(pem(placeholder.servingCertificate())))
                .requestHandler(new ApiForwarder(upstream, placeholder, new TokenFile(token)))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The agent's client, trusting the shim's per-pod CA. */
    private io.vertx.core.http.WebSocketClient agentClient(PlaceholderCredentials placeholder) {
        return vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(placeholder.caCertificatePem()))));
    }

    private static String webSocketAccept(String key) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theProxysServiceNameIsVerifiedWhileTheShimConnectsToTheNodeIp(@TempDir Path dir) throws Exception {
        // As the operator issues it: one certificate for every node, named for the Service, no IP.
        String name = "agentguard-proxy.agentguard-system.svc";
        CertificateAuthority ca = CertificateAuthority.create("proxies", Duration.ofHours(1));
        IssuedCertificate proxyCert = ca.issueServer("proxy", List.of(name), List.of(), Duration.ofHours(1));
        HttpServer proxy = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setSsl(true).setKeyCertOptions(pem(proxyCert)))
                .requestHandler(request -> request.response().end("reached"))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String upstream = "https://127.0.0.1:" + proxy.actualPort();
        Path token = Files.writeString(dir.resolve("token"), REAL_TOKEN);
        Path caFile = Files.writeString(dir.resolve("ca.crt"), ca.root().certificatePem());
        var client = vertx.createHttpClient(dev.agentguard.relay.UpstreamOptions.forUrl(upstream, 4, "upstream")
                .setTrustOptions(new PemTrustOptions().addCertPath(caFile.toString())));
        PlaceholderCredentials placeholder = PlaceholderCredentials.generate();

        assertThat(throughShim(new ApiForwarder(client, dev.agentguard.relay.UpstreamOptions.verifyingName(upstream,
                name), placeholder, new TokenFile(token)), placeholder)).isEqualTo("200 reached");
        // Verified against the IP, the same certificate is refused.
        assertThat(throughShim(new ApiForwarder(client, placeholder, new TokenFile(token)), placeholder))
                .startsWith("502 ");
    }

    private String throughShim(ApiForwarder forwarder, PlaceholderCredentials placeholder) throws Exception {
        HttpServer shim = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setSsl(true).setKeyCertOptions(pem(placeholder.servingCertificate())))
                .requestHandler(forwarder)
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        var agent = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(placeholder.caCertificatePem()))));
        try {
            return agent.request(io.vertx.core.http.HttpMethod.GET, shim.actualPort(), "127.0.0.1", "/version")
                    .compose(request -> request.putHeader("Authorization", "Bearer " + placeholder.token()).send()
                            .compose(response -> response.body().map(body -> response.statusCode() + " " + body)))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            shim.close();
        }
    }

    private static PemKeyCertOptions pem(IssuedCertificate certificate) {
        return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.certificatePem()))
                .setKeyValue(Buffer.buffer(certificate.privateKeyPem()));
    }
}
