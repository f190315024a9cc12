package dev.agentguard.proxy.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.agentguard.api.policy.ExecPolicy;

/**
 * Keystrokes in a TTY session ({@code kubectl exec -it pod -- sh}): tracks the line
 * being typed and checks it when Enter ends it. The keystrokes are forwarded as they
 * come, since the remote pty echoes them; only the Enter that ends a refused line is
 * replaced by {@link #INTERRUPT}, so the shell discards the line instead of running it.
 *
 * <p>Who edits the line depends on the shell: one with line editing (bash, ash, zsh)
 * edits it itself, readline-style; one without (dash, the usual {@code sh}) leaves it
 * to the pty's line discipline. The tracker follows both and checks the text each
 * would run, refusing the line if either is refused.
 *
 * <p>Followed, with a line-editing shell:
 * <ul>
 * <li>printable UTF-8 characters, appended at the end;
 * <li>Backspace (0x08) and DEL (0x7f), removing the last character (a whole code point);
 * <li>Ctrl-U, clearing the line; Ctrl-W, removing the last word (trailing blanks, then non-blanks);
 * <li>Ctrl-C, and Ctrl-D on an empty line, discarding the line;
 * <li>Ctrl-V, inserting the next key as it is;
 * <li>Ctrl-L, redrawing the screen, changing nothing;
 * <li>Enter ({@code \r} or {@code \n}; {@code \r\n} counts once) and Ctrl-O
 *     (operate-and-get-next), which run the line;
 * <li>a line ending with a backslash, continued by the next one: the two are checked
 *     together;
 * <li>bracketed paste ({@code ESC [200~} ... {@code ESC [201~}): the markers are consumed;
 *     the pasted text is inserted as it is, control characters included, and its line
 *     breaks stay in the line until Enter after the paste.
 * </ul>
 * <p>Followed, with the line discipline (Linux defaults): DEL erases a character,
 * Ctrl-W a word (trailing non-alphanumerics, then alphanumerics and {@code _}), Ctrl-U
 * the line; Ctrl-V quotes the next key; Ctrl-C, Ctrl-\ and Ctrl-Z discard the line;
 * Ctrl-D hands the line to the shell without a newline (on an empty line, ends input,
 * which runs what was handed over); Ctrl-R, Ctrl-S and Ctrl-Q change nothing; every
 * other key, Backspace (0x08), Tab and escape sequences included, is a character of the line.
 *
 * <p>Not followed; the line is marked {@link #uncertain() uncertain} and still checked,
 * on Enter, with what is known:
 * <ul>
 * <li>escape sequences: arrow keys ({@code ESC [ A}, {@code ESC [ D}), Home/End,
 *     Delete, Alt-x; the whole CSI or SS3 sequence is consumed, so its bytes are not taken
 *     for text;
 * <li>Ctrl-A, Ctrl-E, Ctrl-B, Ctrl-F, Ctrl-R, Ctrl-P, Ctrl-N, Ctrl-K, Ctrl-Y, Ctrl-T,
 *     Ctrl-X and other control keys with editing bindings;
 * <li>Tab (completion);
 * <li>the history line Ctrl-O brings after running a line.
 * </ul>
 * An Enter that comes inside an escape sequence or right after Ctrl-X may not run the
 * line (the shell may read it as part of a key binding): the line is then kept and
 * checked again with the next one, as well as on its own.
 *
 * <p>A line (with the lines it continues) of more than {@value Lines#MAX_LINE_BYTES}
 * characters is refused as unparseable. A line of only blanks is not checked.
 * Uncertainty resets on each new line. Not thread-safe.
 */
public final class TtyLineTracker implements StdinInspector {

    /** Sent instead of Enter for a refused line: the shell (or the pty's line discipline) discards the line. */
    public static final byte INTERRUPT = 0x03;

    private final Function<String, ExecPolicy.ExecDecision> decide;
    private final List<BlockedLine> blocked = new ArrayList<>();
    private final Readline readline = new Readline();
    private final Discipline discipline = new Discipline();
    /** The previous key was a {@code \r} that ended a line; a {@code \n} right after it is the same Enter. */
    private boolean afterCr;
    private boolean crRefused;

    public TtyLineTracker(Function<String, ExecPolicy.ExecDecision> decide) {
        this.decide = Objects.requireNonNull(decide);
    }

    /**
     * Follows keystrokes and returns them to forward, with the Enter of each refused
     * line replaced by {@link #INTERRUPT}. Every line ended in the chunk is checked;
     * the first refused one is returned, all are kept in {@link #blockedSoFar()}.
     */
    @Override
    public InputVerdict feed(byte[] keystrokes) {
        ByteArrayOutputStream forward = new ByteArrayOutputStream(keystrokes.length);
        BlockedLine first = null;
        for (byte b : keystrokes) {
            int key = b & 0xff;
            if (afterCr) {
                afterCr = false;
                if (key == '\n') {
                    if (!crRefused) {
                        forward.write(key);
                    }
                    continue;
                }
            }
            boolean readlineRuns = readline.key(key);
            boolean disciplineRuns = discipline.key(key);
            if (!readlineRuns && !disciplineRuns) {
                forward.write(key);
                continue;
            }
            BlockedLine refused = check(readlineRuns, disciplineRuns);
            if (refused == null) {
                forward.write(key);
                if (readlineRuns) {
                    readline.ran();
                }
                if (disciplineRuns) {
                    discipline.ran();
                }
            } else {
                forward.write(INTERRUPT);
                blocked.add(refused);
                first = first == null ? refused : first;
                readline.reset();
                discipline.reset();
            }
            afterCr = key == '\r';
            crRefused = refused != null;
        }
        return new InputVerdict(forward.toByteArray(), Optional.ofNullable(first));
    }

    /** The terminal closed: a line typed without Enter never ran, so nothing is left to check. */
    @Override
    public InputVerdict end() {
        return InputVerdict.NOTHING;
    }

    /** Every line refused so far, in order. */
    public List<BlockedLine> blockedSoFar() {
        return List.copyOf(blocked);
    }

    /** Whether the current line was edited in ways the tracker does not follow. */
    public boolean uncertain() {
        return readline.uncertain;
    }

    private BlockedLine check(boolean readlineRuns, boolean disciplineRuns) {
        Set<String> texts = new LinkedHashSet<>();
        if (readlineRuns) {
            if (readline.tooLong()) {
                return new BlockedLine(readline.prefix + readline.line, Lines.tooLong());
            }
            texts.add(readline.prefix + readline.line);
            if (readline.prefixAmbiguous) {
                texts.add(readline.line.toString());
            }
        }
        if (disciplineRuns) {
            if (discipline.tooLong()) {
                return new BlockedLine(discipline.prefix + discipline.text(), Lines.tooLong());
            }
            texts.add(discipline.prefix + discipline.text());
        }
        for (String text : texts) {
            if (!Lines.blank(text)) {
                ExecPolicy.ExecDecision decision = decide.apply(text);
                if (!Lines.allowed(decision)) {
                    return new BlockedLine(text, decision);
                }
            }
        }
        return null;
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }

    /** The line as a line-editing shell (readline and the like) has it. */
    private static final class Readline {

        private enum Escape { NONE, ESC, CSI, SS3 }

        final StringBuilder line = new StringBuilder();
        /** Text the line continues: lines ended with a backslash, or one the shell may not have run. */
        String prefix = "";
        /** The prefix is a line whose Enter may not have run it, so the line is also checked alone. */
        boolean prefixAmbiguous;
        boolean uncertain;
        private boolean overflow;
        private Escape escape = Escape.NONE;
        private final StringBuilder sequence = new StringBuilder();
        private boolean inPaste;
        private boolean literalNext;
        private boolean afterCtrlX;
        private boolean ranInSequence;
        private boolean ranWithCtrlO;
        private final Utf8 utf8 = new Utf8();
        private int skipContinuations;

        /** Follows a key; true when it runs the line. */
        boolean key(int key) {
            if (skipContinuations > 0) {
                if ((key & 0xc0) == 0x80) {
                    skipContinuations--;
                    return false;
                }
                skipContinuations = 0;
            }
            boolean inSequence = escape != Escape.NONE || afterCtrlX;
            afterCtrlX = false;
            if (escape != Escape.NONE && escapeKey(key)) {
                return false;
            }
            if (literalNext) {
                literalNext = false;
                literal(key);
                return false;
            }
            if (key >= 0x20 && key != 0x7f) {
                append(utf8.decode(key));
                return false;
            }
            append(utf8.flush());
            if (key == 0x1b) {
                escape = Escape.ESC;
                return false;
            }
            if (inPaste) {
                return pasted(key);
            }
            switch (key) {
                case '\r', '\n', 0x0f -> {
                    ranInSequence = inSequence;
                    ranWithCtrlO = key == 0x0f;
                    return true;
                }
                case 0x08, 0x7f -> {
                    if (!line.isEmpty()) {
                        line.setLength(line.offsetByCodePoints(line.length(), -1));
                    }
                }
                case 0x15 -> line.setLength(0);
                case 0x17 -> {
                    int end = line.length();
                    while (end > 0 && blank(line.charAt(end - 1))) {
                        end--;
                    }
                    while (end > 0 && !blank(line.charAt(end - 1))) {
                        end--;
                    }
                    line.setLength(end);
                }
                case 0x16 -> literalNext = true;
                case 0x03 -> reset();
                case 0x04 -> {
                    // At the end of the line, delete-char changes nothing; on an empty line it ends input.
                    if (line.isEmpty()) {
                        reset();
                    }
                }
                case 0x0c -> {
                    // Clear screen.
                }
                case 0x18 -> {
                    uncertain = true;
                    afterCtrlX = true;
                }
                default -> uncertain = true;
            }
            return false;
        }

        /** In a bracketed paste everything is inserted as it is; only Ctrl-C, a signal, interrupts. */
        private boolean pasted(int key) {
            switch (key) {
                case 0x03 -> reset();
                case '\r', '\n' -> append("\n");
                default -> literal(key);
            }
            return false;
        }

        /** Follows a key inside an escape sequence; false when the key ends it without belonging to it. */
        private boolean escapeKey(int key) {
            switch (escape) {
                case ESC -> {
                    if (key == '[' || key == 'O') {
                        escape = key == '[' ? Escape.CSI : Escape.SS3;
                        sequence.append((char) key);
                        return true;
                    }
                    if (key >= 0x20 && key < 0x7f) {
                        sequence.append((char) key);
                        endSequence();
                        return true;
                    }
                    if (key >= 0xc2 && key <= 0xf4) {
                        // Alt with a non-ASCII character: its continuation bytes belong to the key too.
                        skipContinuations = key >= 0xf0 ? 3 : key >= 0xe0 ? 2 : 1;
                        sequence.append('\ufffd');
                        endSequence();
                        return true;
                    }
                }
                case CSI -> {
                    if (key >= 0x20 && key <= 0x3f) {
                        if (sequence.length() < 32) {
                            sequence.append((char) key);
                        }
                        return true;
                    }
                    if (key >= 0x40 && key <= 0x7e) {
                        sequence.append((char) key);
                        endSequence();
                        return true;
                    }
                }
                case SS3 -> {
                    if (key >= 0x20 && key <= 0x7e) {
                        sequence.append((char) key);
                        endSequence();
                        return true;
                    }
                }
                default -> throw new IllegalStateException();
            }
            // A lone ESC, or a sequence cut short by a control key.
            endSequence();
            return false;
        }

        private void endSequence() {
            String keys = sequence.toString();
            sequence.setLength(0);
            escape = Escape.NONE;
            if (keys.equals("[200~")) {
                inPaste = true;
            } else if (keys.equals("[201~")) {
                inPaste = false;
            } else if (inPaste) {
                append("\u001b" + keys);
            } else {
                uncertain = true;
            }
        }

        private void literal(int key) {
            if (key < 0x20 || key == 0x7f) {
                append(utf8.flush());
                append(String.valueOf((char) key));
            } else {
                append(utf8.decode(key));
            }
        }

        private void append(CharSequence text) {
            if (text.isEmpty()) {
                return;
            }
            if (prefix.length() + line.length() + text.length() > Lines.MAX_LINE_BYTES) {
                overflow = true;
            } else {
                line.append(text);
            }
        }

        boolean tooLong() {
            return overflow;
        }

        /** The line ran; the next one starts, continuing it if it may still be pending. */
        void ran() {
            String whole = prefix + line;
            boolean ambiguous = ranInSequence;
            boolean ctrlO = ranWithCtrlO;
            reset();
            if (ambiguous) {
                prefix = whole;
                prefixAmbiguous = true;
            } else if (Lines.endsWithContinuation(whole)) {
                prefix = whole + "\n";
            }
            // After Ctrl-O the shell shows the next history line, which the tracker does not know.
            uncertain = ambiguous || ctrlO;
        }

        void reset() {
            line.setLength(0);
            prefix = "";
            prefixAmbiguous = false;
            uncertain = false;
            overflow = false;
            escape = Escape.NONE;
            sequence.setLength(0);
            inPaste = false;
            literalNext = false;
            afterCtrlX = false;
            ranInSequence = false;
            ranWithCtrlO = false;
            utf8.flush();
            skipContinuations = 0;
        }
    }

    /** The line as the pty's line discipline has it, for a shell without line editing (Linux defaults). */
    private static final class Discipline {

        private byte[] line = new byte[128];
        private int length;
        /** Text the line continues: lines ended with a backslash, or handed over by Ctrl-D. */
        String prefix = "";
        private boolean overflow;
        private boolean literalNext;

        /** Follows a key; true when the shell gets the line to run. */
        boolean key(int key) {
            if (literalNext) {
                literalNext = false;
                append(key);
                return false;
            }
            switch (key) {
                case '\r', '\n' -> {
                    return true;
                }
                case 0x7f -> {
                    // One character: its UTF-8 continuation bytes, then its first byte.
                    while (length > 0 && (line[length - 1] & 0xc0) == 0x80) {
                        length--;
                    }
                    if (length > 0) {
                        length--;
                    }
                }
                case 0x17 -> {
                    // Linux's word erase: whatever is not alphanumeric, then the alphanumerics before it.
                    while (length > 0 && !wordByte(line[length - 1])) {
                        length--;
                    }
                    while (length > 0 && wordByte(line[length - 1])) {
                        length--;
                    }
                }
                case 0x15 -> length = 0;
                case 0x16 -> literalNext = true;
                case 0x03, 0x1c, 0x1a -> reset();
                case 0x04 -> {
                    if (length > 0) {
                        // The shell reads the line so far; erasing can no longer take it back.
                        prefix += text();
                        length = 0;
                    } else if (!prefix.isEmpty()) {
                        // End of input runs what the shell has read.
                        return true;
                    } else {
                        reset();
                    }
                }
                case 0x12, 0x11, 0x13 -> {
                    // Reprint, and flow control.
                }
                default -> append(key);
            }
            return false;
        }

        private static boolean wordByte(byte b) {
            return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_';
        }

        private void append(int key) {
            if (prefix.length() + length >= Lines.MAX_LINE_BYTES) {
                overflow = true;
                return;
            }
            if (length == line.length) {
                line = java.util.Arrays.copyOf(line, line.length * 2);
            }
            line[length++] = (byte) key;
        }

        String text() {
            return new String(line, 0, length, StandardCharsets.UTF_8);
        }

        boolean tooLong() {
            return overflow;
        }

        void ran() {
            String whole = prefix + text();
            reset();
            if (Lines.endsWithContinuation(whole)) {
                prefix = whole + "\n";
            }
        }

        void reset() {
            length = 0;
            prefix = "";
            overflow = false;
            literalNext = false;
            if (line.length > 4096) {
                line = new byte[128];
            }
        }
    }

    /** Decodes UTF-8 a byte at a time; what does not decode becomes U+FFFD. */
    private static final class Utf8 {

        private final byte[] bytes = new byte[4];
        private int length;
        private int needed;

        String decode(int b) {
            if (needed > 0) {
                if ((b & 0xc0) == 0x80) {
                    bytes[length++] = (byte) b;
                    if (--needed == 0) {
                        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
                        length = 0;
                        return text;
                    }
                    return "";
                }
                return flush() + decode(b);
            }
            if (b < 0x80) {
                return String.valueOf((char) b);
            }
            int more = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
            if (more < 0) {
                return "\ufffd";
            }
            bytes[0] = (byte) b;
            length = 1;
            needed = more;
            return "";
        }

        /** An unfinished character is dropped as U+FFFD. */
        String flush() {
            if (needed == 0) {
                return "";
            }
            needed = 0;
            length = 0;
            return "\ufffd";
        }
    }
}
