package dev.agentguard.proxy.exec;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrame;

/**
 * Reads one side of a session frame by frame: a binary message's first byte is
 * its channel, and a message split into continuation frames keeps the channel of
 * its first frame. Pings go on to the other side (Vert.x has already answered
 * them on this hop); pongs and close frames are Vert.x's business.
 */
final class ChannelReader {

    /** A channel's payload, in the order it arrived. */
    interface MessageHandler {
        void message(int channel, byte[] payload);
    }

    private final WebSocketBase pingsTo;
    private final MessageHandler messages;
    private final Runnable onText;
    private int channel = -1;

    /**
     * @param pingsTo the other side, which gets this side's pings
     * @param onText  what to do about a text frame, which the binary channel protocols never carry
     */
    ChannelReader(WebSocketBase pingsTo, MessageHandler messages, Runnable onText) {
        this.pingsTo = pingsTo;
        this.messages = messages;
        this.onText = onText;
    }

    void read(WebSocketFrame frame) {
        switch (frame.type()) {
            case PING -> pingsTo.writePing(frame.binaryData());
            case TEXT -> onText.run();
            case BINARY -> {
                Buffer data = frame.binaryData();
                if (data.length() == 0) {
                    return;
                }
                int first = data.getUnsignedByte(0);
                channel = frame.isFinal() ? -1 : first;
                messages.message(first, data.getBytes(1, data.length()));
            }
            case CONTINUATION -> {
                int current = channel;
                if (frame.isFinal()) {
                    channel = -1;
                }
                messages.message(current, frame.binaryData().getBytes());
            }
            default -> {
            }
        }
    }
}
