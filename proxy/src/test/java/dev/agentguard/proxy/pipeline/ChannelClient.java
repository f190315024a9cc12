package dev.agentguard.proxy.pipeline;

import dev.agentguard.testing.apps.ShimProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * A terminal client speaking {@code v5.channel.k8s.io}, as kubectl does, for what
 * kubectl cannot be driven to do from a test (typing into a TTY). It connects to
 * the agent's shim with the agent's placeholder credentials.
 */
final class ChannelClient implements AutoCloseable {

    private final WebSocketClient client;
    private final ClientWebSocket socket;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer status = new StringBuffer();
    private final CompletableFuture<Short> closed = new CompletableFuture<>();

    private ChannelClient(WebSocketClient client) {
        this.client = client;
        // Handlers before the handshake: a quick command's output and close may follow it at once.
        this.socket = client.webSocket();
        socket.binaryMessageHandler(message -> {
            String text = message.getString(1, message.length(), StandardCharsets.UTF_8.name());
            switch (message.getUnsignedByte(0)) {
                case 1, 2 -> stdout.append(text);
                case 3 -> status.append(text);
                default -> {
                }
            }
        });
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
    }

    static ChannelClient open(Vertx vertx, ShimProcess shim, String uri) throws Exception {
        return open(vertx, shim, uri, "v5.channel.k8s.io", "v4.channel.k8s.io");
    }

    /** @param protocols the subprotocols to offer, best first */
    static ChannelClient open(Vertx vertx, ShimProcess shim, String uri, String... protocols) throws Exception {
        String token = java.nio.file.Files.readString(shim.credentials().resolve("token")).trim();
        Path ca = shim.credentials().resolve("ca.crt");
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())).setVerifyHost(true));
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(shim.port())
                .setSsl(true).setURI(uri).setSubProtocols(java.util.List.of(protocols))
                .addHeader("Authorization", "Bearer " + token);
        ChannelClient channels = new ChannelClient(client);
        channels.socket.connect(options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return channels;
    }

    String protocol() {
        return socket.subProtocol();
    }

    void type(String keys) {
        socket.writeBinaryMessage(Buffer.buffer().appendByte((byte) 0).appendString(keys));
    }

    void resize(int width, int height) {
        socket.writeBinaryMessage(Buffer.buffer().appendByte((byte) 4)
                .appendString("{\"Width\":" + width + ",\"Height\":" + height + "}"));
    }

    String output() {
        return stdout.toString();
    }

    String status() {
        return status.toString();
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.close();
        }
        client.close();
    }
}
