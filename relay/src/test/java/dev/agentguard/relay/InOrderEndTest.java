package dev.agentguard.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

class InOrderEndTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anEndReportedWhilePausedComesAfterTheHeldData() throws Exception {
        List<String> seen = new ArrayList<>();
        List<String> whilePaused = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            // As an upgraded HTTP/1.1 client connection behaves: data queued while paused,
            // delivered by a task of its own on resume; the close reported at once.
            HoldingSource source = new HoldingSource(context);
            InOrderEnd stream = recording(source, context, seen, done);
            stream.pause();
            source.arrive("a");
            source.arrive("b");
            source.closed();
            // After the task the end's report scheduled: what had been delivered by then.
            context.runOnContext(later -> {
                whilePaused.addAll(seen);
                stream.resume();
            });
        });
        assertThat(done.get(10, TimeUnit.SECONDS)).containsExactly("a", "b", "end");
        assertThat(whilePaused).as("nothing while paused, the end included").isEmpty();
    }

    @Test
    void anEndWhileFlowingComesAtOnceAfterWhatCameBefore() throws Exception {
        List<String> seen = new ArrayList<>();
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            HoldingSource source = new HoldingSource(context);
            recording(source, context, seen, done);
            source.arrive("a");
            source.closed();
        });
        assertThat(done.get(10, TimeUnit.SECONDS)).containsExactly("a", "end");
    }

    /** The stream over the source, noting what it delivers in {@code seen}, completing {@code done} at its end. */
    private static InOrderEnd recording(HoldingSource source, Context context, List<String> seen,
            CompletableFuture<List<String>> done) {
        InOrderEnd stream = new InOrderEnd(source, context);
        stream.handler(data -> seen.add(data.toString()));
        stream.endHandler(end -> {
            seen.add("end");
            done.complete(seen);
        });
        return stream;
    }

    /** A source that holds what arrives while paused and reports its end out of band. */
    private static final class HoldingSource implements ReadStream<Buffer> {
        private final Context context;
        private final List<Buffer> held = new ArrayList<>();
        private Handler<Buffer> handler;
        private Handler<Void> endHandler;
        private boolean paused;

        HoldingSource(Context context) {
            this.context = context;
        }

        void arrive(String data) {
            if (paused) {
                held.add(Buffer.buffer(data));
            } else {
                handler.handle(Buffer.buffer(data));
            }
        }

        void closed() {
            endHandler.handle(null);
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            this.handler = handler;
            return this;
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
            this.endHandler = endHandler;
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            paused = true;
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            paused = false;
            context.runOnContext(v -> {
                while (!paused && !held.isEmpty()) {
                    handler.handle(held.remove(0));
                }
            });
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return resume();
        }
    }
}
