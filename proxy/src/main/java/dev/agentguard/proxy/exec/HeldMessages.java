package dev.agentguard.proxy.exec;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * What one side of a session sends before the session starts (recording opened,
 * the agent's handshake done), then everything after it, in order. A quick
 * command's output, exit status and end can all arrive in that window; past
 * {@link #MAX_HELD_BYTES} the side is paused until the session starts.
 */
final class HeldMessages {

    static final int MAX_HELD_BYTES = 1 << 20;

    private record Held(int channel, byte[] payload) {
    }

    private final Runnable pause;
    private final Queue<Held> held = new ArrayDeque<>();
    private int heldBytes;
    private SessionEnd.Messages messages;
    private Runnable onEnd;
    private Consumer<String> onFailure;
    private boolean ended;
    private boolean endSeen;
    private String failure;

    /** @param pause stops the side sending more while too much is held */
    HeldMessages(Runnable pause) {
        this.pause = pause;
    }

    /** Hands over: held messages, then a held end or failure, are delivered now. */
    void start(SessionEnd.Messages messages, Runnable onEnd, Consumer<String> onFailure) {
        if (failure != null) {
            onFailure.accept(failure);
        }
        while (!held.isEmpty()) {
            Held next = held.poll();
            messages.message(next.channel(), next.payload());
        }
        heldBytes = 0;
        this.messages = messages;
        this.onEnd = onEnd;
        this.onFailure = onFailure;
        if (endSeen) {
            onEnd.run();
        }
    }

    boolean started() {
        return messages != null;
    }

    void message(int channel, byte[] payload) {
        if (messages != null) {
            messages.message(channel, payload);
            return;
        }
        held.add(new Held(channel, payload));
        heldBytes += payload.length;
        if (heldBytes > MAX_HELD_BYTES) {
            pause.run();
        }
    }

    /** The side's last message has been delivered or held; acted on once. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (onEnd != null) {
            onEnd.run();
        } else {
            endSeen = true;
        }
    }

    /** The side broke; ignored after its end, which came first and stands. */
    void failed(String why) {
        if (ended) {
            return;
        }
        if (onFailure != null) {
            onFailure.accept(why);
        } else if (failure == null) {
            failure = why;
        }
    }
}
