package dev.agentguard.proxy.recording;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * ASCII bytes as the contents of a JSON string, escaped straight from the bytes: exactly what
 * Jackson's {@link JsonStringEncoder} writes for the same text (the table is built from it),
 * without decoding the bytes to a String and encoding them again. Exec output is mostly
 * ASCII, and escaping it was most of the proxy's CPU per streamed MiB.
 */
final class AsciiJson {

    /** Each ASCII byte's escaped form; {@code null} where the byte stands for itself. */
    private static final byte[][] ESCAPES = new byte[128][];

    static {
        for (int c = 0; c < 128; c++) {
            byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(String.valueOf((char) c));
            ESCAPES[c] = quoted.length == 1 && quoted[0] == c ? null : quoted;
        }
    }

    static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The escaped bytes of {@code ascii} (every byte below 0x80), without the quotes: the array
     * itself when nothing in it needs escaping (the caller copies it into its line at once).
     */
    static byte[] quote(byte[] ascii) {
        int length = 0;
        for (byte b : ascii) {
            byte[] escape = ESCAPES[b];
            length += escape == null ? 1 : escape.length;
        }
        if (length == ascii.length) {
            return ascii;
        }
        byte[] quoted = new byte[length];
        int at = 0;
        for (byte b : ascii) {
            byte[] escape = ESCAPES[b];
            if (escape == null) {
                quoted[at++] = b;
            } else {
                for (byte e : escape) {
                    quoted[at++] = e;
                }
            }
        }
        return quoted;
    }

    private AsciiJson() {
    }
}
