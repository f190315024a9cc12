package dev.agentguard.proxy.exec;

import java.util.Arrays;

/**
 * In a terminal session, the keys the agent typed that the terminal has not echoed yet. Output
 * that is exactly their echo is the agent's own input coming back, so the session sends it at
 * once instead of holding the partial line for the partial-line delay: typing stays as fast as
 * without the proxy, and masking still sees every byte (the fragment is masked when it is sent).
 *
 * <p>Only printable keys are tracked. Enter, backspace, Ctrl-keys and escape sequences echo as
 * something else (CRLF, {@code \b \b}, {@code ^C}, redraws), so typing one forgets what was
 * pending, and so does any output that is not the expected echo: after that, output waits as it
 * always did. Tracking is bounded: past {@link #CAPACITY} keys ahead of their echo, the oldest
 * are forgotten.
 */
final class TypedEcho {

    static final int CAPACITY = 256;

    private final byte[] pending = new byte[CAPACITY];
    private int size;

    /** Bytes forwarded to the container's stdin. */
    void typed(byte[] keys) {
        for (byte key : keys) {
            if (!printable(key)) {
                size = 0;
                continue;
            }
            if (size == CAPACITY) {
                System.arraycopy(pending, 1, pending, 0, CAPACITY - 1);
                size--;
            }
            pending[size++] = key;
        }
    }

    /**
     * Whether {@code output} is the echo of the oldest pending keys; if it is, they are no longer
     * pending. Anything else forgets every pending key.
     */
    boolean echoes(byte[] output) {
        if (output.length == 0 || output.length > size
                || !Arrays.equals(output, 0, output.length, pending, 0, output.length)) {
            size = 0;
            return false;
        }
        System.arraycopy(pending, output.length, pending, 0, size - output.length);
        size -= output.length;
        return true;
    }

    /** Printable ASCII and the bytes of multi-byte UTF-8 characters: what a terminal echoes as is. */
    private static boolean printable(byte b) {
        return (b >= 0x20 && b < 0x7f) || b < 0;
    }
}
