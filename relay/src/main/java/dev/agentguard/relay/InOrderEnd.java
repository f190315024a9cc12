package dev.agentguard.relay;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A read stream whose end comes after every buffer it still holds. Vert.x reports the
 * close of an upgraded HTTP/1.1 client connection (the {@code NetSocket} of an
 * {@code HttpClientResponse} after {@code connect()}) as the socket's end at once,
 * ahead of the data still queued for a paused reader; relaying that end as it comes
 * would cut the last bytes of a session (an exec's output and exit Status) off.
 * Here the end waits until the source is no longer paused and what its resume
 * released has been delivered.
 *
 * <p>Call from the source's event loop only.
 */
public final class InOrderEnd implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final Context context;
    private Handler<Void> endHandler;
    private boolean paused;
    private boolean endSeen;
    private boolean ended;

    /** @param context the source's event loop, where its queued data is delivered */
    public InOrderEnd(ReadStream<Buffer> source, Context context) {
        this.source = source;
        this.context = context;
        source.endHandler(v -> {
            endSeen = true;
            endAfterQueued();
        });
    }

    /**
     * Runs after what the source has scheduled so far: a resume drains its queue in a
     * task of its own, and that task comes first.
     */
    private void endAfterQueued() {
        context.runOnContext(v -> {
            if (!paused && !ended) {
                ended = true;
                Handler<Void> handler = endHandler;
                if (handler != null) {
                    handler.handle(null);
                }
            }
        });
    }

    @Override
    public InOrderEnd handler(Handler<Buffer> handler) {
        source.handler(handler);
        return this;
    }

    @Override
    public InOrderEnd exceptionHandler(Handler<Throwable> handler) {
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public InOrderEnd endHandler(Handler<Void> handler) {
        endHandler = handler;
        return this;
    }

    @Override
    public InOrderEnd pause() {
        paused = true;
        source.pause();
        return this;
    }

    @Override
    public InOrderEnd resume() {
        paused = false;
        source.resume();
        if (endSeen) {
            endAfterQueued();
        }
        return this;
    }

    /** A paused stream read by fetch alone gets its end at its resume, when nothing can be held. */
    @Override
    public InOrderEnd fetch(long amount) {
        source.fetch(amount);
        return this;
    }
}
