package dev.agentguard.proxy.recordingsapi;

import java.util.regex.Pattern;

/**
 * A request path of the recordings endpoint, parsed strictly from the raw
 * (undecoded) path: {@code /agentguard/v1/recordings/{namespace}/{session}} and
 * {@code .../verification}. Names are DNS-1123 (a label for the namespace, a
 * subdomain for the session), so nothing legitimate needs percent-encoding: any
 * {@code %}, dot segment, empty segment or other character is refused rather
 * than decoded, which leaves no encoding trick that could name a different file.
 *
 * @param verification the {@code /verification} form
 */
public record RecordingPath(String namespace, String session, boolean verification) {

    public static final String PREFIX = "/agentguard/";
    static final String RECORDINGS = "/agentguard/v1/recordings/";
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** DNS-1123 subdomain, capped at what a recording file name allows. */
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,198}[a-z0-9])?");

    /** Thrown for a path this endpoint does not serve; {@link #code()} is 400 or 404. */
    public static final class BadPath extends Exception {

        private final int code;

        BadPath(int code, String message) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public static RecordingPath parse(String rawPath) throws BadPath {
        if (rawPath == null || !rawPath.startsWith(RECORDINGS)) {
            throw new BadPath(404, "no such agentguard endpoint; recordings are at " + RECORDINGS
                    + "{namespace}/{session} and " + RECORDINGS + "{namespace}/{session}/verification");
        }
        String rest = rawPath.substring(RECORDINGS.length());
        if (rest.indexOf('%') >= 0) {
            throw new BadPath(400, "the recording path must not be percent-encoded: namespace and session"
                    + " are DNS-1123 names");
        }
        String[] segments = rest.split("/", -1);
        if (segments.length < 2 || segments.length > 3 || (segments.length == 3 && !"verification".equals(segments[2]))) {
            throw new BadPath(400, "the recording path must be " + RECORDINGS + "{namespace}/{session} or "
                    + RECORDINGS + "{namespace}/{session}/verification");
        }
        String namespace = segments[0];
        String session = segments[1];
        if (!LABEL.matcher(namespace).matches()) {
            throw new BadPath(400, "namespace '" + printable(namespace) + "' is not a DNS-1123 label");
        }
        if (!SUBDOMAIN.matcher(session).matches() || session.contains("..")) {
            throw new BadPath(400, "session '" + printable(session) + "' is not a DNS-1123 name");
        }
        return new RecordingPath(namespace, session, segments.length == 3);
    }

    /** Echoes bad input without control characters, so an error message cannot carry a terminal escape. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : (text.length() > 80 ? text.substring(0, 80) + "…" : text).toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
