package dev.agentguard.proxy.exec;

import java.util.Optional;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;

/**
 * A session side on a WebSocket ({@code v5.channel.k8s.io} or {@code v4}): a
 * binary message's first byte is its channel, and a message split into
 * continuation frames keeps the channel of its first frame. Pings are answered
 * by Vert.x on this hop and also passed on; text frames break the protocol.
 */
final class WebSocketEnd extends SocketFlow {

    private final WebSocketBase socket;
    private final String protocol;
    private final HeldMessages messages;
    /** Pings that came before the session started, passed on once it does (a few at most). */
    private final java.util.List<Buffer> earlyPings = new java.util.ArrayList<>();
    private Consumer<Buffer> pings;
    /** Channel of the message whose continuation frames are still coming, or -1. */
    private int continued = -1;
    /** Vert.x refuses writes after close() before isClosed() says so. */
    private boolean closing;

    /**
     * @param endAfterQueuedFrames end the session after the frames still queued behind a pause
     *                             (the API server's side), rather than when the close frame arrives
     */
    WebSocketEnd(WebSocketBase socket, String protocol, boolean endAfterQueuedFrames) {
        super(socket, socket);
        this.socket = socket;
        this.protocol = protocol;
        this.messages = new HeldMessages(socket::pause);
        socket.frameHandler(this::frame);
        if (endAfterQueuedFrames) {
            // Vert.x runs the close handler as soon as the close frame arrives, ahead of the data
            // frames still queued while the socket is paused for a slow agent; ending the session
            // there cut its output short. The end handler comes in order, after the last of them.
            // Only a connection lost without a close frame ends the session from the close handler.
            socket.endHandler(v -> messages.end());
            socket.closeHandler(v -> {
                if (socket.closeStatusCode() == null) {
                    messages.end();
                }
            });
        } else {
            socket.closeHandler(v -> messages.end());
        }
        socket.exceptionHandler(e -> messages.failed("lost its connection: " + e.getMessage()));
    }

    @Override
    public void start(Messages to, Consumer<Buffer> pings, Runnable onEnd, Consumer<String> onFailure) {
        this.pings = pings;
        earlyPings.forEach(pings);
        earlyPings.clear();
        messages.start(to, onEnd, onFailure);
        if (!socket.isClosed()) {
            socket.resume();
        }
    }

    private void frame(WebSocketFrame frame) {
        switch (frame.type()) {
            case PING -> {
                if (pings != null) {
                    pings.accept(frame.binaryData());
                } else if (earlyPings.size() < 4) {
                    earlyPings.add(frame.binaryData());
                }
            }
            case TEXT -> messages.failed("sent a text frame; " + protocol + " carries binary frames only");
            case BINARY -> {
                Buffer data = frame.binaryData();
                if (data.length() == 0) {
                    return;
                }
                int channel = data.getUnsignedByte(0);
                continued = frame.isFinal() ? -1 : channel;
                messages.message(channel, data.getBytes(1, data.length()));
            }
            case CONTINUATION -> {
                int channel = continued;
                if (frame.isFinal()) {
                    continued = -1;
                }
                messages.message(channel, frame.binaryData().getBytes());
            }
            default -> {
            }
        }
    }

    @Override
    public void send(int channel, byte[] payload) {
        if (closed()) {
            return;
        }
        socket.writeBinaryMessage(Buffer.buffer(payload.length + 1).appendByte((byte) channel).appendBytes(payload));
    }

    @Override
    public void ping(Buffer data) {
        if (!closed()) {
            socket.writePing(data);
        }
    }

    @Override
    public void close(Optional<CloseStatus> like) {
        if (closed()) {
            return;
        }
        closing = true;
        like.ifPresentOrElse(status -> {
            if (status.reason() == null) {
                socket.close(status.code());
            } else {
                socket.close(status.code(), status.reason());
            }
        }, socket::close);
    }

    @Override
    public Optional<CloseStatus> closeStatus() {
        Short code = socket.closeStatusCode();
        // 1005 (no status) and 1006 (lost) are never sent in a close frame.
        if (code == null || code == 1005 || code == 1006) {
            return Optional.empty();
        }
        return Optional.of(new CloseStatus(code, socket.closeReason()));
    }

    @Override
    public boolean closed() {
        return closing || socket.isClosed();
    }
}
