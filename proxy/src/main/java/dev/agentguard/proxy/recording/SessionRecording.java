package dev.agentguard.proxy.recording;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One asciicast v2 file (https://docs.asciinema.org/manual/asciicast/v2/)
 * being written for a session. Not thread-safe; called from one event loop.
 *
 * <p>Events are buffered in memory and reach the file on {@link #flush()}, so
 * relaying a frame never waits for the disk. The file's SHA-256 is computed
 * from the bytes as they are written, so completing a long session does not
 * read it back. Events after {@link #complete} are dropped: the file is sealed
 * and its hash may already be in the chain.
 */
public final class SessionRecording {

    /** Session ids become file names, so nothing that could leave the directory. */
    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final int DEFAULT_WIDTH = 80;
    private static final int DEFAULT_HEIGHT = 24;
    /** Past this much buffered output, events are written without waiting for the next flush. */
    private static final int MAX_BUFFERED = 1024 * 1024;
    private static final byte[] LINE_END = "]\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final Clock clock;
    private final Instant startedAt;
    private final MessageDigest sha256 = Sha256.newDigest();
    private final ByteArrayOutputStream buffered = new ByteArrayOutputStream();
    private final Utf8Decoder outputText = new Utf8Decoder();
    private final Utf8Decoder inputText = new Utf8Decoder();
    private long written;
    private long lastMicros;
    /** A write that failed; the file no longer matches the hash, so every later flush fails too. */
    private IOException failure;
    private CompletedRecording completed;
    private boolean closed;

    private SessionRecording(Path file, FileChannel channel, Clock clock, Instant startedAt) {
        this.file = file;
        this.channel = channel;
        this.clock = clock;
        this.startedAt = startedAt;
    }

    /**
     * Creates {@code <dir>/<session>.cast} (the directory if missing; the file
     * must not exist yet) and writes the header line.
     */
    public static SessionRecording create(Path dir, SessionHeader header, Clock clock) throws IOException {
        if (header.session() == null || !SESSION.matcher(header.session()).matches()) {
            throw new IllegalArgumentException("session id '" + header.session()
                    + "' cannot name a recording file: letters, digits, '.', '_' and '-' only");
        }
        Objects.requireNonNull(header.startedAt(), "startedAt");
        Files.createDirectories(dir);
        Path file = dir.resolve(header.session() + ".cast");
        // CREATE_NEW: a recording is never appended to or overwritten, whatever the caller's bug.
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        SessionRecording recording = new SessionRecording(file, channel, clock, header.startedAt());
        try {
            recording.buffered.writeBytes(JSON.writeValueAsBytes(headerJson(header)));
            recording.buffered.write('\n');
            recording.flush();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return recording;
    }

    private static ObjectNode headerJson(SessionHeader header) {
        ObjectNode json = JSON.createObjectNode();
        json.put("version", 2);
        json.put("width", header.width() > 0 ? header.width() : DEFAULT_WIDTH);
        json.put("height", header.height() > 0 ? header.height() : DEFAULT_HEIGHT);
        json.put("timestamp", header.startedAt().getEpochSecond());
        json.put("command", String.join(" ", header.command()));
        json.put("title", header.agent() + " -> " + header.target());
        ObjectNode agentguard = json.putObject("agentguard");
        agentguard.put("session", header.session());
        agentguard.put("agent", header.agent());
        agentguard.put("target", header.target());
        agentguard.put("node", header.node());
        agentguard.put("tty", header.tty());
        header.command().forEach(agentguard.putArray("command")::add);
        return json;
    }

    /** What the container wrote (stdout and stderr alike, as a terminal shows them). */
    public void output(byte[] bytes) {
        text("o", outputText, bytes);
    }

    /** What the agent typed or piped in. */
    public void input(byte[] bytes) {
        text("i", inputText, bytes);
    }

    private void text(String code, Utf8Decoder decoder, byte[] bytes) {
        // ASCII with no character pending from the last chunk is its own text: escaped as bytes.
        if (!decoder.holdsPartialCharacter() && AsciiJson.isAscii(bytes)) {
            if (bytes.length > 0) {
                event(code, AsciiJson.quote(bytes));
            }
            return;
        }
        text(code, decoder.decode(bytes));
    }

    public void resize(int width, int height) {
        event("r", width + "x" + height);
    }

    public void marker(String label) {
        event("m", label);
    }

    private void text(String code, String data) {
        // A chunk holding only part of a character has nothing to show yet.
        if (!data.isEmpty()) {
            event(code, data);
        }
    }

    private void event(String code, String data) {
        event(code, JsonStringEncoder.getInstance().quoteAsUTF8(data));
    }

    /** An event line; {@code quotedData} is the data already escaped as a JSON string's contents (UTF-8). */
    private void event(String code, byte[] quotedData) {
        if (closed) {
            return;
        }
        // Written as bytes straight into the buffer: output chunks are large, and
        // building the line as a String and encoding it again doubled the work.
        buffered.write('[');
        buffered.writeBytes(elapsed().getBytes(StandardCharsets.US_ASCII));
        buffered.write(',');
        quote(code);
        buffered.write(',');
        buffered.write('"');
        buffered.writeBytes(quotedData);
        buffered.write('"');
        buffered.writeBytes(LINE_END);
        if (buffered.size() >= MAX_BUFFERED) {
            try {
                flush();
            } catch (IOException e) {
                // Kept in failure: the next flush or complete reports it.
            }
        }
    }

    /** Seconds since the start with microseconds; never less than the previous event's (clocks step back). */
    private String elapsed() {
        long micros = Math.max(0, Duration.between(startedAt, clock.instant()).toNanos() / 1_000);
        lastMicros = Math.max(lastMicros, micros);
        return BigDecimal.valueOf(lastMicros, 6).toPlainString();
    }

    /** The text as a JSON string, UTF-8, into the buffer. */
    private void quote(String text) {
        buffered.write('"');
        buffered.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(text));
        buffered.write('"');
    }

    /** Writes buffered events to the file (the proxy calls this at least once a second). */
    public void flush() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (closed || buffered.size() == 0) {
            return;
        }
        byte[] bytes = buffered.toByteArray();
        buffered.reset();
        try {
            ByteBuffer data = ByteBuffer.wrap(bytes);
            while (data.hasRemaining()) {
                channel.write(data);
            }
        } catch (IOException e) {
            failure = new IOException("cannot write the recording " + file + ": " + e.getMessage(), e);
            throw failure;
        }
        sha256.update(bytes);
        written += bytes.length;
    }

    public Path file() {
        return file;
    }

    /**
     * Writes a final marker ({@code agentguard: complete: <outcome>} or, when the
     * recording misses part of the session, {@code agentguard: incomplete: <outcome>}),
     * flushes, fsyncs and closes; returns the file's SHA-256. A second call
     * returns the same result.
     */
    public CompletedRecording complete(String outcome, boolean incomplete) throws IOException {
        if (completed != null) {
            return completed;
        }
        if (closed) {
            throw new IOException("the recording " + file + " failed earlier and cannot be completed", failure);
        }
        try {
            // A character cut off by the session's end is still shown (as U+FFFD).
            text("o", outputText.finish());
            text("i", inputText.finish());
            marker("agentguard: " + (incomplete ? "incomplete" : "complete") + ": " + outcome);
            flush();
            channel.force(true);
        } finally {
            closed = true;
            channel.close();
        }
        Directories.sync(file.getParent());
        completed = new CompletedRecording(file, Sha256.hex(sha256), incomplete, written);
        return completed;
    }
}
