package dev.agentguard.proxy.exec;

import java.util.ArrayDeque;
import java.util.Queue;

import io.vertx.core.Handler;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;

/**
 * Holds what the API server sends between its handshake and the start of the
 * session (recording opened, agent's handshake done). A quick command's output,
 * exit status and close can all arrive in that window, and Vert.x accepts no
 * handlers on a WebSocket that has closed, so they are taken at once and replayed.
 */
final class EarlyFrames {

    /** Past this much held output the API server is paused until the session starts. */
    private static final int MAX_HELD_BYTES = 1 << 20;

    private final WebSocket upstream;
    private final Queue<WebSocketFrame> held = new ArrayDeque<>();
    private int heldBytes;
    private boolean closed;
    /** The close was seen (by the end or the close handler, whichever came first): acted on once. */
    private boolean ended;
    private Handler<WebSocketFrame> frames;
    private Runnable onClose;
    private Handler<Throwable> onError;
    private Throwable failure;

    EarlyFrames(WebSocket upstream) {
        this.upstream = upstream;
        upstream.frameHandler(this::frame);
        // Vert.x runs the close handler as soon as the close frame arrives, ahead of the data
        // frames still queued while the upstream is paused for a slow agent; ending the session
        // there cut its output short. The end handler comes in order, after the last of them.
        // Only a connection lost without a close frame ends the session from the close handler.
        upstream.endHandler(v -> closed());
        upstream.closeHandler(v -> {
            if (upstream.closeStatusCode() == null) {
                closed();
            }
        });
        upstream.exceptionHandler(this::failed);
    }

    /** From now on frames and the close go to the session, the held ones first. */
    void handOver(Handler<WebSocketFrame> frames, Runnable onClose, Handler<Throwable> onError) {
        this.frames = frames;
        this.onClose = onClose;
        this.onError = onError;
        if (failure != null) {
            onError.handle(failure);
        }
        while (!held.isEmpty()) {
            frames.handle(held.poll());
        }
        heldBytes = 0;
        if (closed) {
            onClose.run();
        } else {
            upstream.resume();
        }
    }

    private void frame(WebSocketFrame frame) {
        if (frames != null) {
            frames.handle(frame);
            return;
        }
        held.add(frame);
        heldBytes += frame.binaryData().length();
        if (heldBytes > MAX_HELD_BYTES) {
            upstream.pause();
        }
    }

    private void failed(Throwable e) {
        if (onError != null) {
            onError.handle(e);
        } else {
            failure = e;
        }
    }

    private void closed() {
        if (ended) {
            return;
        }
        ended = true;
        if (onClose != null) {
            onClose.run();
        } else {
            closed = true;
        }
    }
}
