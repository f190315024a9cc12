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
import java.util.Objects;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Formats a session's events as asciicast v2 lines
 * (https://docs.asciinema.org/manual/asciicast/v2/) and writes them to its file,
 * hashing the bytes as they are written, so sealing a long session does not read
 * it back. Used by one thread at a time ({@link SessionRecording}'s writes).
 */
final class AsciicastWriter {

    /** Session ids become file names, so nothing that could leave the directory. */
    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final int DEFAULT_WIDTH = 80;
    private static final int DEFAULT_HEIGHT = 24;
    /** Past this much formatted output, lines are written without waiting for the batch's end. */
    private static final int MAX_BUFFERED = 1024 * 1024;
    private static final byte[] LINE_END = "]\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final MessageDigest sha256 = Sha256.newDigest();
    private final ByteArrayOutputStream buffered = new ByteArrayOutputStream();
    private final Utf8Decoder outputText = new Utf8Decoder();
    private final Utf8Decoder inputText = new Utf8Decoder();
    private long written;
    private long lastMicros;
    private boolean closed;

    private AsciicastWriter(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates {@code <dir>/<session>.cast} (the directory if missing; the file must
     * not exist yet) and writes the header line.
     */
    static AsciicastWriter create(Path dir, SessionHeader header) throws IOException {
        if (header.session() == null || !SESSION.matcher(header.session()).matches()) {
            throw new IllegalArgumentException("session id '" + header.session()
                    + "' cannot name a recording file: letters, digits, '.', '_' and '-' only");
        }
        Objects.requireNonNull(header.startedAt(), "startedAt");
        Files.createDirectories(dir);
        Path file = dir.resolve(header.session() + ".cast");
        // CREATE_NEW: a recording is never appended to or overwritten, whatever the caller's bug.
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        AsciicastWriter writer = new AsciicastWriter(file, channel);
        try {
            writer.buffered.writeBytes(JSON.writeValueAsBytes(headerJson(header)));
            writer.buffered.write('\n');
            writer.writeBuffered();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return writer;
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

    Path file() {
        return file;
    }

    void output(long micros, byte[] bytes) throws IOException {
        text(micros, "o", outputText, bytes);
    }

    void input(long micros, byte[] bytes) throws IOException {
        text(micros, "i", inputText, bytes);
    }

    void resize(long micros, int width, int height) throws IOException {
        event(micros, "r", width + "x" + height);
    }

    void marker(long micros, String label) throws IOException {
        event(micros, "m", label);
    }

    private void text(long micros, String code, Utf8Decoder decoder, byte[] bytes) throws IOException {
        // ASCII with no character pending from the last chunk is its own text: escaped as bytes.
        if (!decoder.holdsPartialCharacter() && AsciiJson.isAscii(bytes)) {
            if (bytes.length > 0) {
                event(micros, code, AsciiJson.quote(bytes));
            }
            return;
        }
        text(micros, code, decoder.decode(bytes));
    }

    private void text(long micros, String code, String data) throws IOException {
        // A chunk holding only part of a character has nothing to show yet.
        if (!data.isEmpty()) {
            event(micros, code, data);
        }
    }

    private void event(long micros, String code, String data) throws IOException {
        event(micros, code, JsonStringEncoder.getInstance().quoteAsUTF8(data));
    }

    /** An event line; {@code quotedData} is the data already escaped as a JSON string's contents (UTF-8). */
    private void event(long micros, String code, byte[] quotedData) throws IOException {
        if (closed) {
            return;
        }
        // Written as bytes straight into the buffer: output chunks are large, and
        // building the line as a String and encoding it again doubled the work.
        buffered.write('[');
        buffered.writeBytes(elapsed(micros).getBytes(StandardCharsets.US_ASCII));
        buffered.write(',');
        buffered.write('"');
        buffered.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(code));
        buffered.write('"');
        buffered.write(',');
        buffered.write('"');
        buffered.writeBytes(quotedData);
        buffered.write('"');
        buffered.writeBytes(LINE_END);
        if (buffered.size() >= MAX_BUFFERED) {
            writeBuffered();
        }
    }

    /** Seconds since the start with microseconds; never less than the previous event's (clocks step back). */
    private String elapsed(long micros) {
        lastMicros = Math.max(lastMicros, Math.max(0, micros));
        return BigDecimal.valueOf(lastMicros, 6).toPlainString();
    }

    /** Writes the formatted lines to the file. */
    void writeBuffered() throws IOException {
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
            throw new IOException("cannot write the recording " + file + ": " + e.getMessage(), e);
        }
        sha256.update(bytes);
        written += bytes.length;
    }

    /**
     * Writes a final marker ({@code agentguard: complete: <outcome>} or, when the
     * recording misses part of the session, {@code agentguard: incomplete: <outcome>}),
     * writes, fsyncs and closes; returns the file's SHA-256. Nothing is written after.
     */
    CompletedRecording seal(long micros, String outcome, boolean incomplete) throws IOException {
        try {
            // A character cut off by the session's end is still shown (as U+FFFD).
            text(micros, "o", outputText.finish());
            text(micros, "i", inputText.finish());
            marker(micros, "agentguard: " + (incomplete ? "incomplete" : "complete") + ": " + outcome);
            writeBuffered();
            channel.force(true);
        } finally {
            abandon();
        }
        Directories.sync(file.getParent());
        return new CompletedRecording(file, Sha256.hex(sha256), incomplete, written);
    }

    /** Closes the file without sealing it: a write failed, so it no longer matches its hash. */
    void abandon() throws IOException {
        if (!closed) {
            closed = true;
            channel.close();
        }
    }
}
