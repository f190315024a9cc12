package dev.agentguard.recordings;

/**
 * Makes recorded output safe to print. The agent controlled every byte of a
 * recording, so replaying it must not let it drive the viewer's terminal
 * beyond drawing text:
 * <ul>
 * <li>{@link #forTerminal}: keeps what draws (CSI sequences: colours, cursor
 * movement, erasing; and plain two-byte ESC sequences), and drops the string
 * commands that reach outside the screen: OSC (window title, OSC 52 clipboard
 * writes, hyperlinks, colour palette), DCS, APC, PM and SOS, plus every C1
 * control (0x80-0x9F, the 8-bit forms of the same introducers);</li>
 * <li>{@link #plain}: for a file or pipe, drops every escape sequence and
 * control character except newline, tab and carriage return, so the text
 * reads as text and cannot act on whatever later displays it.</li>
 * </ul>
 */
public final class ControlSequences {

    private static final char ESC = 0x1b;
    private static final char BEL = 0x07;

    private ControlSequences() {
    }

    public static String forTerminal(String text) {
        return filter(text, true);
    }

    public static String plain(String text) {
        return filter(text, false);
    }

    /** Shows an input keystroke stream as visible text: controls as {@code ^X}, ESC as {@code ^[}. */
    public static String visible(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '\r' || c == '\n') {
                out.append("⏎");
            } else if (c < 0x20) {
                out.append('^').append((char) (c + '@'));
            } else if (c == 0x7f) {
                out.append("^?");
            } else if (c >= 0x80 && c <= 0x9f) {
                out.append('?');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String filter(String text, boolean terminal) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ESC) {
                i = escape(text, i, terminal ? out : null);
            } else if (c >= 0x80 && c <= 0x9f) {
                i++;
            } else if (c < 0x20 && c != '\n' && c != '\t' && c != '\r' && !(terminal && (c == '\b' || c == BEL))) {
                i++;
            } else if (c == 0x7f) {
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Skips the sequence starting at ESC; copies it to {@code keep} when it only draws. Returns the index after. */
    private static int escape(String text, int start, StringBuilder keep) {
        int n = text.length();
        if (start + 1 >= n) {
            return n;
        }
        char kind = text.charAt(start + 1);
        if (kind == '[') {
            int i = start + 2;
            while (i < n && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x3f) {
                i++;
            }
            if (i < n && text.charAt(i) >= 0x40 && text.charAt(i) <= 0x7e) {
                if (keep != null) {
                    keep.append(text, start, i + 1);
                }
                return i + 1;
            }
            return i;
        }
        if (kind == ']' || kind == 'P' || kind == '_' || kind == '^' || kind == 'X') {
            // A string command: up to BEL or ST (ESC \), never kept.
            int i = start + 2;
            while (i < n) {
                char c = text.charAt(i);
                if (c == BEL) {
                    return i + 1;
                }
                if (c == ESC && i + 1 < n && text.charAt(i + 1) == '\\') {
                    return i + 2;
                }
                i++;
            }
            return n;
        }
        if (kind >= 0x20 && kind <= 0x7e) {
            if (keep != null) {
                keep.append(text, start, start + 2);
            }
            return start + 2;
        }
        return start + 1;
    }
}
