package dev.agentguard.proxy.exec;

import java.util.Optional;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;

/**
 * One side of an exec or attach session, seen as the remote-command protocol's
 * numbered channels: the agent's WebSocket, or the API server's WebSocket or SPDY
 * streams. What arrives before {@link #start} is held and delivered first, so a
 * quick command's output and exit status are not lost while the session sets up.
 */
interface SessionEnd {

    /** A channel's payload, in the order it arrived. */
    interface Messages {
        void message(int channel, byte[] payload);
    }

    /**
     * Delivers what this side sends, the held messages first.
     *
     * @param pings     gets this side's keepalive pings, to pass on to the other side
     * @param onEnd     this side ended its session, after its last message
     * @param onFailure this side broke the protocol or its connection failed; says how
     */
    void start(Messages messages, Consumer<Buffer> pings, Runnable onEnd, Consumer<String> onFailure);

    void send(int channel, byte[] payload);

    /** Passes on the other side's keepalive, where this side's transport has one. */
    void ping(Buffer data);

    boolean writeQueueFull();

    void drainHandler(Runnable then);

    void pause();

    void resume();

    /** Closes this side; with the other side's close code and reason when it had one. */
    void close(Optional<CloseStatus> like);

    /** How the remote end closed this side, when its transport says. */
    Optional<CloseStatus> closeStatus();

    boolean closed();

    /** A WebSocket close code and reason. */
    record CloseStatus(short code, String reason) {
    }
}
