package dev.agentguard.proxy.recording;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a UTF-8 byte stream chunk by chunk. Frames split text anywhere, so
 * the bytes of a character cut at a chunk's end wait for the next chunk;
 * bytes that can never be UTF-8 become U+FFFD rather than failing the stream.
 */
final class Utf8Decoder {

    private static final byte[] NOTHING = new byte[0];

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** An incomplete character from the previous chunk: at most 3 bytes. */
    private byte[] tail = NOTHING;

    String decode(byte[] chunk) {
        ByteBuffer in = ByteBuffer.allocate(tail.length + chunk.length).put(tail).put(chunk).flip();
        // UTF-8 never yields more chars than bytes (a replacement stands for at least one byte).
        CharBuffer out = CharBuffer.allocate(in.remaining());
        decoder.decode(in, out, false);
        tail = in.hasRemaining() ? copyRest(in) : NOTHING;
        return out.flip().toString();
    }

    /** Whether the bytes of a character cut at the last chunk's end wait for the next chunk. */
    boolean holdsPartialCharacter() {
        return tail.length > 0;
    }

    /** Ends the stream: an incomplete character left over comes out as U+FFFD. */
    String finish() {
        ByteBuffer in = ByteBuffer.wrap(tail);
        CharBuffer out = CharBuffer.allocate(tail.length + 1);
        decoder.decode(in, out, true);
        decoder.flush(out);
        decoder.reset();
        tail = NOTHING;
        return out.flip().toString();
    }

    private static byte[] copyRest(ByteBuffer in) {
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        return rest;
    }
}
