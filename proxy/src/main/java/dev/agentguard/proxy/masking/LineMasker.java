package dev.agentguard.proxy.masking;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into lines, however it is chunked, and masks each line
 * with {@link SecretDetectors} before it leaves. A partial line waits for its end
 * (or for the stream's end); a line longer than {@link #MAX_LINE} is masked and
 * sent in pieces, so one endless line cannot hold the stream or fill memory.
 *
 * <p>Lines are matched as bytes (each byte one ISO-8859-1 character), never
 * decoded as UTF-8: output that is not text ({@code kubectl cp}'s tar stream, a
 * binary file) and a multi-byte character cut by the {@link #MAX_LINE} boundary
 * leave exactly as they came, where a UTF-8 round trip would replace them with
 * U+FFFD.
 */
public final class LineMasker implements StreamMasker {

    static final int MAX_LINE = 64 * 1024;

    private final SecretDetectors detectors;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public LineMasker(SecretDetectors detectors) {
        this.detectors = detectors;
    }

    @Override
    public byte[] feed(byte[] chunk) {
        int lastNewline = lastNewline(chunk);
        int tail = chunk.length - lastNewline - 1;
        if (lastNewline >= 0 && tail < MAX_LINE) {
            // Most output holds no secret: when the chunk's complete lines (with the line held
            // from before) contain no detector's hint, each would leave unchanged, so they leave
            // at once, without being split and masked one by one.
            String lines = linesOf(chunk, lastNewline);
            if (detectors.leavesUnchanged(lines)) {
                pending.reset();
                pending.write(chunk, lastNewline + 1, tail);
                return lines.getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return feedLineByLine(chunk);
    }

    private static int lastNewline(byte[] chunk) {
        for (int i = chunk.length - 1; i >= 0; i--) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The held partial line and the chunk up to its last newline, one character per byte. */
    private String linesOf(byte[] chunk, int lastNewline) {
        if (pending.size() == 0) {
            return new String(chunk, 0, lastNewline + 1, StandardCharsets.ISO_8859_1);
        }
        return pending.toString(StandardCharsets.ISO_8859_1)
                + new String(chunk, 0, lastNewline + 1, StandardCharsets.ISO_8859_1);
    }

    private byte[] feedLineByLine(byte[] chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int start = 0;
        // Bytes of the current line held from earlier chunks: kept in a local, since
        // ByteArrayOutputStream.size() is synchronized and this loop runs once per byte.
        int held = pending.size();
        for (int i = 0; i < chunk.length; i++) {
            // A line ends at its newline, or where it has grown to MAX_LINE.
            if (chunk[i] == '\n' || held + (i - start + 1) >= MAX_LINE) {
                pending.write(chunk, start, i - start + 1);
                start = i + 1;
                held = 0;
                out.writeBytes(maskPending());
            }
        }
        pending.write(chunk, start, chunk.length - start);
        return out.toByteArray();
    }

    @Override
    public byte[] end() {
        return pending.size() == 0 ? new byte[0] : maskPending();
    }

    /** Whether part of a line is held back, waiting for its end. */
    public boolean holdsPartialLine() {
        return pending.size() > 0;
    }

    @Override
    public int masked() {
        return detectors.found();
    }

    private byte[] maskPending() {
        String line = pending.toString(StandardCharsets.ISO_8859_1);
        pending.reset();
        return detectors.mask(line).getBytes(StandardCharsets.ISO_8859_1);
    }
}
