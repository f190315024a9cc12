package dev.agentguard.proxy.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.net.PemTrustOptions;

/**
 * A measuring {@code v5.channel.k8s.io} client: counts stdout bytes and keeps their CRC32
 * instead of the bytes, notes when each stdout message arrives (and, on a terminal, what it
 * said), and keeps the exit Status. It speaks to an endpoint (the API server, or an agent's
 * shim) with a bearer token, so the direct and the proxied path differ only in where it
 * connects.
 */
final class ExecClient implements AutoCloseable {

    /**
     * Where exec requests go: host 127.0.0.1, a port, the CA that signed it and the bearer token to
     * present; {@code viaProxy} when the benchmark's proxy relays (and records) its sessions.
     */
    record Endpoint(String name, int port, String caPem, String token, boolean viaProxy) {

        /** Without the token: a report or a failure message never carries a credential. */
        @Override
        public String toString() {
            return "Endpoint[" + name + ", port " + port + "]";
        }
    }

    /** A stdout message on a terminal: when it arrived ({@link System#nanoTime()}) and what it said. */
    record Arrival(long nanos, String text) {
    }

    private final WebSocketClient client;
    private final WebSocket socket;
    private final long openedNanos;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final StringBuffer status = new StringBuffer();
    private final LinkedBlockingQueue<Arrival> arrivals;
    /** Touched on the event loop only, read after the close. */
    private final CRC32 stdoutCrc = new CRC32();
    private volatile long stdoutBytes;
    private volatile long firstStdoutNanos;
    private volatile long closedNanos;
    private volatile long lastStdoutNanos;
    private volatile long frames;
    private int messageChannel = -1;

    private ExecClient(WebSocketClient client, WebSocket socket, long openedNanos, boolean terminal) {
        this.client = client;
        this.socket = socket;
        this.openedNanos = openedNanos;
        this.arrivals = terminal ? new LinkedBlockingQueue<>() : null;
        socket.frameHandler(this::frame);
        socket.closeHandler(v -> {
            closedNanos = System.nanoTime();
            closed.complete(null);
        });
    }

    /** A session streaming output: stdout counted and summed up, nothing kept. */
    static ExecClient stream(Vertx vertx, Endpoint endpoint, String uri) throws Exception {
        return open(vertx, endpoint, uri, false);
    }

    /** A terminal session: each stdout message kept as an {@link Arrival} (the keystrokes' echoes). */
    static ExecClient terminal(Vertx vertx, Endpoint endpoint, String uri) throws Exception {
        return open(vertx, endpoint, uri, true);
    }

    /**
     * Opens an exec session. The handlers are set on the event loop before any
     * message can be delivered, so nothing is missed.
     */
    private static ExecClient open(Vertx vertx, Endpoint endpoint, String uri, boolean terminal) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(endpoint.caPem())))
                .setVerifyHost(true).setMaxFrameSize(1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
                .setPort(endpoint.port()).setSsl(true).setURI(uri).addSubProtocol("v5.channel.k8s.io")
                .addHeader("Authorization", "Bearer " + endpoint.token());
        long opened = System.nanoTime();
        CompletableFuture<ExecClient> connected = new CompletableFuture<>();
        client.connect(options).onComplete(ar -> {
            if (ar.succeeded()) {
                connected.complete(new ExecClient(client, ar.result(), opened, terminal));
            } else {
                connected.completeExceptionally(ar.cause());
            }
        });
        return connected.get(30, TimeUnit.SECONDS);
    }

    private void frame(WebSocketFrame frame) {
        if (frame.type() != WebSocketFrameType.BINARY && frame.type() != WebSocketFrameType.CONTINUATION) {
            return;
        }
        Buffer data = frame.binaryData();
        int channel;
        int offset;
        if (frame.type() == WebSocketFrameType.BINARY) {
            if (data.length() == 0) {
                return;
            }
            channel = data.getUnsignedByte(0);
            offset = 1;
        } else {
            channel = messageChannel;
            offset = 0;
        }
        messageChannel = frame.isFinal() ? -1 : channel;
        int bytes = data.length() - offset;
        switch (channel) {
            case 1 -> {
                long now = System.nanoTime();
                if (stdoutBytes == 0 && bytes > 0) {
                    firstStdoutNanos = now;
                }
                stdoutBytes += bytes;
                stdoutCrc.update(data.getBytes(offset, data.length()));
                lastStdoutNanos = now;
                frames++;
                if (arrivals != null) {
                    arrivals.add(new Arrival(now, data.getString(offset, data.length(), StandardCharsets.UTF_8.name())));
                }
            }
            case 3 -> status.append(data.getString(offset, data.length(), StandardCharsets.UTF_8.name()));
            default -> {
            }
        }
    }

    /** Sends keys on stdin (channel 0). */
    void type(String keys) {
        socket.writeBinaryMessage(Buffer.buffer().appendByte((byte) 0).appendString(keys));
    }

    /** The next stdout message, or {@code null} after the timeout. */
    Arrival nextArrival(long timeout, TimeUnit unit) throws InterruptedException {
        return arrivals.poll(timeout, unit);
    }

    /** Waits until stdout has been quiet for {@code quietMillis}, dropping what arrives meanwhile. */
    void awaitQuiet(long quietMillis) throws InterruptedException {
        while (arrivals.poll(quietMillis, TimeUnit.MILLISECONDS) != null) {
            // drained
        }
    }

    /** Waits for the end of the session: the server closed the WebSocket. */
    void awaitClose(long timeout, TimeUnit unit) throws Exception {
        closed.get(timeout, unit);
    }

    long stdoutBytes() {
        return stdoutBytes;
    }

    /**
     * The CRC32 of all stdout received. Read it after {@link #awaitClose}: the frames are
     * summed up on the event loop before it completes the close, which the waiter sees.
     */
    long stdoutCrc32() {
        return stdoutCrc.getValue();
    }

    long openedNanos() {
        return openedNanos;
    }

    long firstStdoutNanos() {
        return firstStdoutNanos;
    }

    String debug() {
        return String.format("first %.1f ms, last %.1f ms, closed %.1f ms, %d stdout frames, %d bytes",
                (firstStdoutNanos - openedNanos) / 1e6, (lastStdoutNanos - openedNanos) / 1e6,
                (closedNanos - openedNanos) / 1e6, frames, stdoutBytes);
    }

    long closedNanos() {
        return closedNanos;
    }

    String status() {
        return status.toString();
    }

    @Override
    public void close() {
        socket.close();
        client.close();
    }
}
