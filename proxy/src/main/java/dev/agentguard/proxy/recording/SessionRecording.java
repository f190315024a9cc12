package dev.agentguard.proxy.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One session's recording, an asciicast v2 file. Events are taken on the session's
 * event loop, stamped there, and formatted, written and hashed off it, in order, by
 * the recording's {@code writes} executor ({@link AsciicastWriter}), so relaying a
 * frame never waits for escaping, hashing or the disk. What waits to be written is
 * bounded: past {@link #MAX_PENDING_BYTES} {@link #writeQueueFull()} says so, and the
 * session holds its sides back until {@link #drainHandler} runs.
 *
 * <p>Events reach the file as soon as the writer gets to them (so a crash loses
 * what was in flight, well under a second of output). Events after
 * {@link #complete} are dropped: the file is sealed and its hash may already be in
 * the chain.
 */
public final class SessionRecording {

    /** Bytes of events taken but not yet written past which the session should hold back. */
    public static final long MAX_PENDING_BYTES = 4L << 20;

    @FunctionalInterface
    private interface Step {
        void apply(AsciicastWriter writer, long micros) throws IOException;
    }

    private record Pending(long bytes, long micros, Step step, boolean seal) {
    }

    private final AsciicastWriter writer;
    private final Executor writes;
    private final Clock clock;
    private final Instant startedAt;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicReference<Runnable> drained = new AtomicReference<>();
    private final CompletableFuture<CompletedRecording> completed = new CompletableFuture<>();
    /** The first write that failed; the file no longer matches any hash, so nothing more is written. */
    private volatile IOException failure;
    private volatile boolean sealing;

    private SessionRecording(AsciicastWriter writer, Executor writes, Clock clock, Instant startedAt) {
        this.writer = writer;
        this.writes = writes;
        this.clock = clock;
        this.startedAt = startedAt;
    }

    /** A recording written on the calling thread: for tests and tools, where nothing else waits. */
    public static SessionRecording create(Path dir, SessionHeader header, Clock clock) throws IOException {
        return create(dir, header, clock, Runnable::run);
    }

    /**
     * Creates {@code <dir>/<session>.cast} (the directory if missing; the file must not
     * exist yet) and writes the header line, on the calling thread.
     *
     * @param writes runs the recording's writes; they run one at a time, in order, whatever it is
     */
    public static SessionRecording create(Path dir, SessionHeader header, Clock clock, Executor writes)
            throws IOException {
        return new SessionRecording(AsciicastWriter.create(dir, header), writes, clock, header.startedAt());
    }

    /** What the container wrote (stdout and stderr alike, as a terminal shows them). */
    public void output(byte[] bytes) {
        if (bytes.length > 0) {
            take(bytes.length, (w, at) -> w.output(at, bytes));
        }
    }

    /** What the agent typed or piped in. */
    public void input(byte[] bytes) {
        if (bytes.length > 0) {
            take(bytes.length, (w, at) -> w.input(at, bytes));
        }
    }

    public void resize(int width, int height) {
        take(0, (w, at) -> w.resize(at, width, height));
    }

    public void marker(String label) {
        take(label.length(), (w, at) -> w.marker(at, label));
    }

    private void take(long bytes, Step step) {
        if (sealing) {
            return;
        }
        queue.add(new Pending(bytes, micros(), step, false));
        pending.addAndGet(bytes);
        schedule();
    }

    private long micros() {
        return Duration.between(startedAt, clock.instant()).toNanos() / 1_000;
    }

    /** Whether the session should stop giving events until {@link #drainHandler} runs. */
    public boolean writeQueueFull() {
        return pending.get() >= MAX_PENDING_BYTES;
    }

    /**
     * Runs {@code then} once, on the writer's thread (or this one), when what waits to be
     * written has fallen to half of {@link #MAX_PENDING_BYTES}, or now if it already has.
     */
    public void drainHandler(Runnable then) {
        drained.set(then);
        if (pending.get() <= MAX_PENDING_BYTES / 2 && drained.compareAndSet(then, null)) {
            then.run();
        }
    }

    /** Fails once a write has failed: the session cannot be recorded any more. */
    public void flush() throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw failed;
        }
    }

    public Path file() {
        return writer.file();
    }

    /**
     * Writes a final marker ({@code agentguard: complete: <outcome>} or, when the
     * recording misses part of the session, {@code agentguard: incomplete: <outcome>})
     * after every event taken before, fsyncs and closes; returns the file's SHA-256.
     * Blocks until then. A second call returns the same result.
     */
    public CompletedRecording complete(String outcome, boolean incomplete) throws IOException {
        synchronized (completed) {
            if (!sealing) {
                sealing = true;
                queue.add(new Pending(0, micros(), (w, at) -> completed.complete(w.seal(at, outcome, incomplete)),
                        true));
                schedule();
            }
        }
        try {
            return completed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sealing the recording " + file(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot seal the recording " + file() + ": " + e.getCause(), e.getCause());
        }
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            writes.execute(this::drain);
        }
    }

    /** On the writer: every queued event, in order, then the lines to the file. */
    private void drain() {
        do {
            Pending next;
            while ((next = queue.poll()) != null) {
                apply(next);
                release(next.bytes());
            }
            if (failure == null) {
                try {
                    writer.writeBuffered();
                } catch (IOException e) {
                    failed(e);
                }
            }
            draining.set(false);
            // An event taken after the queue looked empty, and before draining was reset, is ours.
        } while (!queue.isEmpty() && draining.compareAndSet(false, true));
    }

    private void apply(Pending next) {
        if (failure != null) {
            if (next.seal()) {
                completed.completeExceptionally(new IOException("the recording " + file()
                        + " failed earlier and cannot be completed", failure));
            }
            return;
        }
        try {
            next.step().apply(writer, next.micros());
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            IOException io = e instanceof IOException i ? i
                    : new IOException("cannot write the recording " + file() + ": " + e.getMessage(), e);
            failed(io);
            if (next.seal()) {
                completed.completeExceptionally(io);
            }
        }
    }

    private void failed(IOException e) {
        failure = e;
        try {
            writer.abandon();
        } catch (IOException closing) {
            e.addSuppressed(closing);
        }
    }

    private void release(long bytes) {
        if (bytes > 0 && pending.addAndGet(-bytes) <= MAX_PENDING_BYTES / 2) {
            Runnable then = drained.getAndSet(null);
            if (then != null) {
                then.run();
            }
        }
    }
}
