package dev.agentguard.proxy.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.agentguard.api.policy.ExecPolicy;

/**
 * Non-TTY stdin of a shell ({@code kubectl exec -i pod -- sh < script}): each line
 * is checked before it is forwarded, so the shell never reads a line that was not
 * allowed.
 *
 * <p>Lines end with {@code \n}; the bytes of an allowed line go on unchanged, newline
 * included. A line that a shell would read on from, because it ends inside a quote,
 * a {@code $(} or a backtick, or with a backslash escaping its newline, is held and
 * joined with the lines that follow until the whole parses, and then checked as one.
 * A line, joined or not, longer than {@value Lines#MAX_LINE_BYTES} bytes is refused as
 * unparseable rather than buffered on. Lines of only blanks are forwarded unchecked.
 *
 * <p>The first refused line closes the checker: neither it nor anything after it is
 * forwarded, since what follows may depend on it. Not thread-safe.
 */
public final class StdinScriptChecker implements StdinInspector {

    private final Function<String, ExecPolicy.ExecDecision> decide;
    /** The line being gathered: held complete lines that continue, then the partial line. */
    private byte[] pending = new byte[256];
    private int pendingLength;
    /** The text of the held complete lines, newlines included. */
    private final StringBuilder held = new StringBuilder();
    private int heldBytes;
    /** Whether the held text fails to parse, as opposed to ending with a backslash. */
    private boolean heldUnterminated;
    private boolean closed;

    public StdinScriptChecker(Function<String, ExecPolicy.ExecDecision> decide) {
        this.decide = Objects.requireNonNull(decide);
    }

    /**
     * Checks a chunk of stdin. The bytes of complete, allowed lines are returned to
     * forward; a partial line waits for the rest. Once a line is blocked, the allowed
     * bytes before it are returned with it, and every later call forwards nothing.
     */
    @Override
    public InputVerdict feed(byte[] chunk) {
        if (closed) {
            return InputVerdict.NOTHING;
        }
        ByteArrayOutputStream forward = new ByteArrayOutputStream();
        int start = 0;
        while (start < chunk.length) {
            int newline = indexOf(chunk, (byte) '\n', start);
            int end = newline < 0 ? chunk.length : newline + 1;
            int room = Lines.MAX_LINE_BYTES - pendingLength;
            if (end - start > room) {
                // One byte past the limit is kept, so the refused text shows it was cut.
                append(chunk, start, room + 1);
                return refuse(forward, new BlockedLine(pendingText(), Lines.tooLong()));
            }
            append(chunk, start, end - start);
            start = end;
            if (newline < 0) {
                break;
            }
            String physical = new String(pending, heldBytes, pendingLength - heldBytes - 1, StandardCharsets.UTF_8);
            String line = held + physical;
            // An unterminated quote, $( or backtick stays so until a line brings a character that could close it.
            boolean unterminated = heldUnterminated && !mayClose(physical) || Lines.unterminated(line);
            if (unterminated || Lines.endsWithContinuation(line)) {
                held.append(physical).append('\n');
                heldBytes = pendingLength;
                heldUnterminated = unterminated;
                continue;
            }
            Optional<BlockedLine> blocked = check(line);
            if (blocked.isPresent()) {
                return refuse(forward, blocked.get());
            }
            forward.write(pending, 0, pendingLength);
            clear();
        }
        return new InputVerdict(forward.toByteArray(), Optional.empty());
    }

    /** Stdin ended: the pending line, which has no newline (or continues past the end), is checked as it is. */
    @Override
    public InputVerdict end() {
        if (closed) {
            return InputVerdict.NOTHING;
        }
        closed = true;
        if (pendingLength == 0) {
            return InputVerdict.NOTHING;
        }
        Optional<BlockedLine> blocked = check(pendingText());
        byte[] forward = blocked.isPresent() ? new byte[0] : Arrays.copyOf(pending, pendingLength);
        clear();
        return new InputVerdict(forward, blocked);
    }

    private Optional<BlockedLine> check(String line) {
        if (Lines.blank(line)) {
            return Optional.empty();
        }
        ExecPolicy.ExecDecision decision = decide.apply(line);
        return Lines.allowed(decision) ? Optional.empty() : Optional.of(new BlockedLine(line, decision));
    }

    private InputVerdict refuse(ByteArrayOutputStream forward, BlockedLine blocked) {
        closed = true;
        clear();
        return new InputVerdict(forward.toByteArray(), Optional.of(blocked));
    }

    private static boolean mayClose(String physical) {
        for (int i = 0; i < physical.length(); i++) {
            if ("'\"`)".indexOf(physical.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private void append(byte[] bytes, int from, int length) {
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(bytes, from, pending, pendingLength, length);
        pendingLength += length;
    }

    private String pendingText() {
        return new String(pending, 0, pendingLength, StandardCharsets.UTF_8);
    }

    private void clear() {
        pendingLength = 0;
        heldBytes = 0;
        held.setLength(0);
        heldUnterminated = false;
        if (pending.length > 4096) {
            pending = new byte[256];
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
