package dev.agentguard.proxy.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.agentguard.testing.apps.ShimProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * An agent that reads its exec output slower than the container writes it: after
 * every stdout message it stops reading for a moment, so the whole path behind it
 * fills up and has to hold back, and once, at a given count of bytes, it can stop
 * for longer. It counts what arrives rather than keeping it.
 */
final class SlowReader implements AutoCloseable {

    private final WebSocketClient client;
    private final AtomicLong stdoutBytes = new AtomicLong();
    private final StringBuffer status = new StringBuffer();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private SlowReader(Vertx vertx, WebSocketClient client, ClientWebSocket socket, Duration pause, long stallAt,
            Duration stall) {
        this.client = client;
        socket.binaryMessageHandler(message -> {
            switch (message.getUnsignedByte(0)) {
                case 1 -> {
                    long before = stdoutBytes.getAndAdd(message.length() - 1L);
                    socket.pause();
                    boolean stalls = before < stallAt && before + message.length() - 1L >= stallAt;
                    vertx.setTimer(Math.max(1, (stalls ? stall.plus(pause) : pause).toMillis()), id -> socket.resume());
                }
                case 3 -> status.append(message.getString(1, message.length(), StandardCharsets.UTF_8.name()));
                default -> {
                }
            }
        });
        // Vert.x runs the close handler as soon as the close frame arrives, ahead of the
        // messages still held for a paused reader; the end handler comes in order, after them.
        socket.endHandler(v -> closed.complete(null));
        socket.closeHandler(v -> {
            if (socket.closeStatusCode() == null) {
                closed.complete(null);
            }
        });
    }

    static SlowReader open(Vertx vertx, ShimProcess shim, String uri, Duration pause, long stallAt, Duration stall)
            throws Exception {
        String token = Files.readString(shim.credentials().resolve("token")).trim();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(shim.credentials().resolve("ca.crt").toString()))
                .setVerifyHost(true));
        ClientWebSocket socket = client.webSocket();
        SlowReader reader = new SlowReader(vertx, client, socket, pause, stallAt, stall);
        socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(shim.port()).setSsl(true)
                .setURI(uri).setSubProtocols(List.of("v5.channel.k8s.io"))
                .addHeader("Authorization", "Bearer " + token))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return reader;
    }

    long stdoutBytes() {
        return stdoutBytes.get();
    }

    String status() {
        return status.toString();
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        client.close();
    }
}
