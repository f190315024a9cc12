package dev.agentguard.proxy.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.request.RequestParser;
import dev.agentguard.proxy.recording.ChainEntry;
import dev.agentguard.proxy.recording.ChainVerifier;
import dev.agentguard.proxy.recording.RecordingChain;
import dev.agentguard.proxy.recording.RecordingWrites;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;

/**
 * The relay at frame level, against an in-test endpoint that plays the API
 * server (the real one never fragments messages or closes with custom codes on
 * cue, which is what this checks): fragmented messages, pings both ways, close
 * codes and reasons, and the session's outcome. End to end it is ExecIT.
 */
class ExecRelayFramesTest {

    private Vertx vertx;
    private final List<String> upstreamSaw = new CopyOnWriteArrayList<>();
    private final CompletableFuture<SessionOutcome> outcome = new CompletableFuture<>();
    private final CompletableFuture<ChainEntry> chained = new CompletableFuture<>();
    private int proxyPort;

    @TempDir
    Path recordings;

    @BeforeEach
    void proxyInFrontOfAFakeApiServer() throws Exception {
        vertx = Vertx.vertx();
        HttpServer apiServer = vertx.createHttpServer(new HttpServerOptions()
                .setWebSocketSubProtocols(ChannelProtocol.SUPPORTED))
                .webSocketHandler(this::playApiServer).listen(0).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        var upstream = vertx.createWebSocketClient(new WebSocketClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(apiServer.actualPort()));
        SessionRegistry registry = new SessionRegistry() {
            @Override
            public void started(SessionPlan plan, Instant startedAt, String recording) {
            }

            @Override
            public void completed(SessionPlan plan, SessionOutcome ended, String recording, ChainEntry entry) {
                chained.complete(entry);
            }
        };
        ExecRelay relay = new ExecRelay(vertx, new WebSocketUpstream(upstream), recordings, RecordingWrites.pool(), new RecordingChain(recordings), registry,
                "node-a", Duration.ofMillis(10), Clock.systemUTC());
        String path = "/api/v1/namespaces/ns/pods/db/exec";
        SessionPlan plan = new SessionPlan("agent-test", new AgentIdentity("ns", "agent", "agent", Map.of(), Map.of()),
                "uid", RequestParser.parse("GET", path, "command=sh&stdin=true&stdout=true", null), List.of("sh"),
                null, false, true, true, false, false, OptionalLong.empty(), List.of(), List.of());
        HttpServer proxy = vertx.createHttpServer(new HttpServerOptions()
                .setWebSocketSubProtocols(ChannelProtocol.SUPPORTED))
                .requestHandler(in -> relay.serve(in, plan, headers -> headers.set("Authorization", "Bearer t"),
                        outcome::complete))
                .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        proxyPort = proxy.actualPort();
    }

    @AfterEach
    void stop() {
        vertx.close();
    }

    /** Sends a fragmented stdout message and a ping; on stdin "bye" closes with a custom code. */
    private void playApiServer(ServerWebSocket socket) {
        upstreamSaw.add("offered " + socket.headers().get("Sec-WebSocket-Protocol"));
        socket.frameHandler(frame -> {
            switch (frame.type()) {
                case PING -> upstreamSaw.add("ping " + frame.textData());
                case BINARY -> {
                    String text = frame.binaryData().getString(1, frame.binaryData().length());
                    upstreamSaw.add("channel " + frame.binaryData().getUnsignedByte(0) + " " + text);
                    if (text.equals("bye\n")) {
                        socket.close((short) 4001, "fake server done");
                    }
                }
                default -> {
                }
            }
        });
        socket.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer().appendByte((byte) 1).appendString("hel"), false));
        socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("lo\n"), true));
        socket.writePing(Buffer.buffer("from-upstream"));
    }

    @Test
    void framesPingsAndCloseCodesArePassedOn() throws Exception {
        // Handlers first: the first frames may arrive as soon as the handshake completes.
        var socket = vertx.createWebSocketClient().webSocket();
        List<String> clientSaw = new CopyOnWriteArrayList<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        socket.frameHandler(frame -> {
            if (frame.type() == WebSocketFrameType.PING) {
                clientSaw.add("ping " + frame.textData());
            } else if (frame.type() == WebSocketFrameType.BINARY) {
                clientSaw.add("channel " + frame.binaryData().getUnsignedByte(0) + " "
                        + frame.binaryData().getString(1, frame.binaryData().length()));
            }
        });
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode() + " " + socket.closeReason()));
        socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxyPort)
                .setURI("/api/v1/namespaces/ns/pods/db/exec?command=sh&stdin=true&stdout=true")
                .setSubProtocols(List.of("v4.channel.k8s.io"))).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(socket.subProtocol()).isEqualTo("v4.channel.k8s.io");

        await().atMost(Duration.ofSeconds(10)).until(() -> clientSaw.containsAll(List.of("channel 1 hello\n",
                "ping from-upstream")));
        socket.writePing(Buffer.buffer("from-agent"));
        socket.writeBinaryMessage(Buffer.buffer().appendByte((byte) 0).appendString("bye\n"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(upstreamSaw)
                .contains("offered v4.channel.k8s.io", "ping from-agent", "channel 0 bye\n"));
        assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo("4001 fake server done");
        SessionOutcome ended = outcome.get(10, TimeUnit.SECONDS);
        assertThat(ended.terminated()).isFalse();
        assertThat(ended.bytesOut()).isEqualTo(6);
        assertThat(ended.bytesIn()).isEqualTo(4);

        ChainEntry entry = chained.get(10, TimeUnit.SECONDS);
        String cast = Files.readString(recordings.resolve(entry.file()), StandardCharsets.UTF_8);
        assertThat(cast).contains("\"o\",\"hello\\n\"").contains("\"i\",\"bye\\n\"");
        assertThat(ChainVerifier.verify(recordings).ok()).isTrue();
    }

    @Test
    void aClientOfferingNoRelayableProtocolGetsAStatus() throws Exception {
        var client = vertx.createHttpClient();
        var response = client.request(io.vertx.core.http.HttpMethod.GET, proxyPort, "127.0.0.1",
                "/api/v1/namespaces/ns/pods/db/exec?command=sh")
                .compose(request -> request.putHeader("Connection", "Upgrade").putHeader("Upgrade", "websocket")
                        .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key",
                                "dGhlIHNhbXBsZSBub25jZQ==")
                        .putHeader("Sec-WebSocket-Protocol", "base64.channel.k8s.io").send()
                        .compose(r -> r.body().map(body -> r.statusCode() + " " + body)))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(response).startsWith("400 ").contains("v5.channel.k8s.io or v4.channel.k8s.io")
                .contains("base64.channel.k8s.io");
        assertThat(upstreamSaw).isEmpty();
    }
}
