package dev.agentguard.proxy.masking;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A masked response as the input's own bytes with spans replaced: what a masker
 * does not change is copied as it came, never decoded and encoded again. The input
 * is passed through up to an offset in one of three modes (copy to the output,
 * drop, or capture for later), so the masker only acts where it replaces
 * something. Parts of the output can wait for bytes decided later ({@link Hole}s,
 * e.g. the masked annotation, known at an object's end); nothing from the first
 * unfilled hole on is released.
 */
final class SplicedOutput {

    private enum Mode { COPY, DROP, CAPTURE }

    /** Input fed and not yet passed: {@code input[inputPos, inputLength)} is offsets from {@code inputOffset}. */
    private byte[] input = new byte[0];
    private int inputPos;
    private int inputLength;
    private long inputOffset;
    private Mode mode = Mode.COPY;
    private ByteArrayOutputStream captured;
    private final Output out = new Output();
    private final List<Hole> holes = new ArrayList<>();
    /** Output bytes that may go while a watch waits for the end of its event. */
    private int released;

    /** Part of the output decided later: the original bytes, or what replaces them. */
    static final class Hole {
        private int position;
        private final byte[] original;

        private Hole(int position, byte[] original) {
            this.position = position;
            this.original = original;
        }

        byte[] original() {
            return original;
        }
    }

    /** Appends a chunk of input; what was passed already is let go. */
    void feed(byte[] chunk) {
        int kept = inputLength - inputPos;
        if (input.length < kept + chunk.length) {
            input = Arrays.copyOfRange(input, inputPos, inputPos + Math.max(kept + chunk.length, 2 * kept));
        } else {
            System.arraycopy(input, inputPos, input, 0, kept);
        }
        inputOffset += inputPos;
        inputPos = 0;
        System.arraycopy(chunk, 0, input, kept, chunk.length);
        inputLength = kept + chunk.length;
    }

    /** Passes the input up to the offset, in the current mode. */
    void advance(long offset) {
        int to = index(offset);
        if (to < inputPos) {
            return;
        }
        switch (mode) {
            case COPY -> out.write(input, inputPos, to - inputPos);
            case CAPTURE -> captured.write(input, inputPos, to - inputPos);
            case DROP -> {
            }
        }
        inputPos = to;
    }

    /** From here on, the input is copied to the output. */
    void copying() {
        mode = Mode.COPY;
        captured = null;
    }

    /** From here on, the input is dropped. */
    void dropping() {
        mode = Mode.DROP;
        captured = null;
    }

    /** From here on, the input is kept aside (see {@link #captured()}), not written. */
    void capturing() {
        mode = Mode.CAPTURE;
        captured = new ByteArrayOutputStream();
    }

    /** What was kept aside since {@link #capturing()}. */
    byte[] captured() {
        return captured.toByteArray();
    }

    void write(byte[] bytes) {
        out.write(bytes, 0, bytes.length);
    }

    /**
     * Where the value after a field name starts: past the whitespace and the colon
     * that follow the name (which ended at {@code nameEnd}), in input not yet passed.
     *
     * @throws MaskingException if anything else stands there (it never does in JSON
     *                          the parser accepted, so masking stops rather than guess)
     */
    long valueStart(long nameEnd) {
        boolean colon = false;
        for (int i = index(nameEnd); i < inputLength; i++) {
            byte b = input[i];
            if (b == ':' && !colon) {
                colon = true;
            } else if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                if (!colon) {
                    break;
                }
                return inputOffset + i;
            }
        }
        throw new MaskingException("cannot find the start of a value to mask");
    }

    /** A hole at the current end of the output, to be filled with its original bytes or others. */
    Hole hole(byte[] original) {
        Hole hole = new Hole(out.size(), original);
        holes.add(hole);
        return hole;
    }

    /** Fills the hole, moving what follows it. */
    void fill(Hole hole, byte[] bytes) {
        int index = holes.indexOf(hole);
        if (index < 0) {
            throw new IllegalStateException("hole filled twice");
        }
        holes.remove(index);
        out.insert(hole.position, bytes);
        for (int i = index; i < holes.size(); i++) {
            holes.get(i).position += bytes.length;
        }
        if (released > hole.position) {
            released += bytes.length;
        }
    }

    /** Everything written so far may go, once its holes are filled (the end of a watch event). */
    void release() {
        released = out.size();
    }

    /** Takes the output that can go: up to the first unfilled hole, and, if asked, only what was released. */
    byte[] take(boolean releasedOnly) {
        int limit = releasedOnly ? released : out.size();
        if (!holes.isEmpty()) {
            limit = Math.min(limit, holes.get(0).position);
        }
        byte[] taken = out.take(limit);
        for (Hole hole : holes) {
            hole.position -= limit;
        }
        released = Math.max(0, released - limit);
        return taken;
    }

    private int index(long offset) {
        long index = offset - inputOffset;
        if (index > inputLength) {
            throw new IllegalStateException("offset " + offset + " is past the input fed");
        }
        return (int) index;
    }

    /** A byte buffer that can insert and give away its head. */
    private static final class Output extends ByteArrayOutputStream {

        void insert(int position, byte[] bytes) {
            write(bytes, 0, bytes.length);
            System.arraycopy(buf, position, buf, position + bytes.length, count - bytes.length - position);
            System.arraycopy(bytes, 0, buf, position, bytes.length);
        }

        byte[] take(int length) {
            byte[] head = Arrays.copyOf(buf, length);
            System.arraycopy(buf, length, buf, 0, count - length);
            count -= length;
            return head;
        }
    }
}
