package dev.agentguard.kubectl.output;

/**
 * Text an agent chose (a command, a name), made safe for a terminal: control characters, escape
 * sequences included, are shown as \xNN instead of being obeyed, so a request cannot rewrite
 * the approver's screen or hide what it asks for.
 */
public final class Printable {

    private Printable() {
    }

    public static String of(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
                out.append(String.format(c <= 0xff ? "\\x%02x" : "\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
