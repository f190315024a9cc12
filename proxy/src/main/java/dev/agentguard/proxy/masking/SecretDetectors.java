package dev.agentguard.proxy.masking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Finds secrets in free text (pod logs, exec output), one line at a time:
 * cloud access keys, JWTs, passwords in URLs, private-key blocks (which span
 * lines, so the detector keeps state between lines), and a policy's own regexes.
 * One instance per stream.
 *
 * <p>A line is its bytes, one ISO-8859-1 character each, so that masking never
 * changes a byte it does not replace. The built-in patterns are ASCII; a policy's
 * pattern is matched against the UTF-8 bytes of the text (a non-ASCII literal
 * matches its UTF-8 encoding).
 */
public final class SecretDetectors {

    public static final String REDACTED = "[agentguard:masked]";

    private static final Pattern PRIVATE_KEY_BEGIN = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----");
    private static final Pattern PRIVATE_KEY_END = Pattern.compile("-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----");

    /**
     * A secret's pattern, the literal text any match contains (a line without it is
     * skipped: most lines hold no secret, and the check is far cheaper than the
     * regex), and which group is the secret (0: the whole match). Patterns capture
     * the secret rather than look behind for its context: a variable-length
     * lookbehind is retried at every position and made masking cost seconds per MiB.
     */
    private record Detector(Pattern pattern, List<String> hints, boolean hintsIgnoreCase, int group) {

        static Detector of(String regex, String... hints) {
            return new Detector(Pattern.compile(regex), List.of(hints), false, 0);
        }

        boolean mayMatch(String line, String lowerCase) {
            if (hints.isEmpty()) {
                return true;
            }
            String haystack = hintsIgnoreCase ? lowerCase : line;
            for (String hint : hints) {
                if (haystack.contains(hint)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final List<Detector> BUILT_IN = List.of(
            // AWS access key IDs (long-term and temporary).
            Detector.of("(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])", "AKIA", "ASIA"),
            // AWS secret keys where they are named.
            new Detector(Pattern.compile("(?i)aws_secret_access_key[\"']?\\s{0,3}[:=]\\s{0,3}[\"']?([A-Za-z0-9/+=]{40})"),
                    List.of("aws_secret_access_key"), true, 1),
            // Azure storage account keys in connection strings.
            new Detector(Pattern.compile("AccountKey=([A-Za-z0-9+/=]{40,})"), List.of("AccountKey="), false, 1),
            // Google API keys.
            Detector.of("AIza[0-9A-Za-z_-]{35}", "AIza"),
            // GitHub and Slack tokens.
            Detector.of("gh[pousr]_[A-Za-z0-9]{36,}", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
            Detector.of("xox[abprs]-[A-Za-z0-9-]{10,}", "xox"),
            // JWTs (three base64url parts, the first two JSON objects).
            Detector.of("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{10,}", "eyJ"),
            // Passwords in URLs: scheme://user:password@host.
            new Detector(Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]{0,20}://[^/\\s:@]{1,256}:([^@\\s/]{1,256})@"),
                    List.of("://"), false, 1));

    private final List<Detector> detectors;
    private boolean inPrivateKey;
    private int found;

    private SecretDetectors(List<Detector> detectors) {
        this.detectors = detectors;
    }

    /**
     * @param custom a policy's extra regular expressions (Java syntax)
     * @throws IllegalArgumentException naming the pattern that does not compile
     */
    public static SecretDetectors withCustom(List<String> custom) {
        List<Detector> all = new ArrayList<>(BUILT_IN);
        for (String regex : custom) {
            try {
                all.add(new Detector(Pattern.compile(asBytes(regex)), List.of(), false, 0));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("masking pattern '" + regex + "' is not a valid regular expression: "
                        + e.getDescription(), e);
            }
        }
        return new SecretDetectors(List.copyOf(all));
    }

    /** A pattern's UTF-8 bytes as ISO-8859-1 characters: what its non-ASCII literals are in a line. */
    private static String asBytes(String regex) {
        return new String(regex.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether {@link #mask} would return each of these lines as it is: no private-key block is
     * open, none begins, and no detector's hint occurs anywhere in them. A hint that only
     * spans two lines answers false, which is safe. A policy's own patterns have no hint, so
     * with one this is always false and every line is matched.
     */
    public boolean leavesUnchanged(String lines) {
        if (inPrivateKey || lines.contains("-----BEGIN")) {
            return false;
        }
        String lowerCase = null;
        for (Detector detector : detectors) {
            if (detector.hints().isEmpty()) {
                return false;
            }
            if (detector.hintsIgnoreCase() && lowerCase == null) {
                lowerCase = lines.toLowerCase(Locale.ROOT);
            }
            if (detector.mayMatch(lines, lowerCase)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The line, one character per byte (ISO-8859-1), with every secret found replaced
     * (the line ending, if any, is kept).
     */
    public String mask(String line) {
        if (inPrivateKey || (line.contains("-----BEGIN") && PRIVATE_KEY_BEGIN.matcher(line).find())) {
            inPrivateKey = !(line.contains("-----END") && PRIVATE_KEY_END.matcher(line).find());
            found++;
            return REDACTED + (line.endsWith("\n") ? "\n" : "");
        }
        String result = line;
        String lowerCase = null;
        for (Detector detector : detectors) {
            if (detector.hintsIgnoreCase() && lowerCase == null) {
                lowerCase = result.toLowerCase(Locale.ROOT);
            }
            if (!detector.mayMatch(result, lowerCase)) {
                continue;
            }
            result = replace(detector, result);
            lowerCase = null;
        }
        return result;
    }

    private String replace(Detector detector, String text) {
        Matcher matcher = detector.pattern().matcher(text);
        StringBuilder masked = null;
        int copied = 0;
        while (matcher.find()) {
            if (masked == null) {
                masked = new StringBuilder(text.length());
            }
            found++;
            masked.append(text, copied, matcher.start(detector.group())).append(REDACTED);
            copied = matcher.end(detector.group());
        }
        return masked == null ? text : masked.append(text, copied, text.length()).toString();
    }

    /** Secrets replaced so far. */
    public int found() {
        return found;
    }
}
