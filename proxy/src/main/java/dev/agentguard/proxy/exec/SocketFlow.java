package dev.agentguard.proxy.exec;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * A session side whose flow control is its connection's own: it is full when the
 * connection's write queue is, and pausing it stops reading from the connection.
 */
abstract class SocketFlow implements SessionEnd {

    private final ReadStream<Buffer> reads;
    private final WriteStream<Buffer> writes;

    /** Both are the one connection (Vert.x's read and write stream types do not intersect). */
    SocketFlow(ReadStream<Buffer> reads, WriteStream<Buffer> writes) {
        this.reads = reads;
        this.writes = writes;
    }

    @Override
    public boolean writeQueueFull() {
        return !closed() && writes.writeQueueFull();
    }

    @Override
    public void drainHandler(Runnable then) {
        writes.drainHandler(v -> then.run());
    }

    @Override
    public void pause() {
        reads.pause();
    }

    @Override
    public void resume() {
        reads.resume();
    }
}
