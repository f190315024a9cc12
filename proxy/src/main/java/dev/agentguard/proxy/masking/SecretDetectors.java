package dev.agentguard.proxy.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Finds secrets in free text (pod logs, later exec output), one line at a time:
 * cloud access keys, JWTs, passwords in URLs, private-key blocks (which span
 * lines, so the detector keeps state between lines), and a policy's own regexes.
 * One instance per stream.
 */
public final class SecretDetectors {

    public static final String REDACTED = "[agentguard:masked]";

    private static final Pattern PRIVATE_KEY_BEGIN = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----");
    private static final Pattern PRIVATE_KEY_END = Pattern.compile("-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----");
    private static final List<Pattern> BUILT_IN = List.of(
            // AWS access key IDs (long-term and temporary).
            Pattern.compile("(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
            // AWS secret keys where they are named.
            Pattern.compile("(?i)(?<=aws_secret_access_key[\"']?\\s{0,3}[:=]\\s{0,3}[\"']?)[A-Za-z0-9/+=]{40}"),
            // Azure storage account keys in connection strings.
            Pattern.compile("(?<=AccountKey=)[A-Za-z0-9+/=]{40,}"),
            // Google API keys.
            Pattern.compile("AIza[0-9A-Za-z_-]{35}"),
            // GitHub and Slack tokens.
            Pattern.compile("gh[pousr]_[A-Za-z0-9]{36,}"),
            Pattern.compile("xox[abprs]-[A-Za-z0-9-]{10,}"),
            // JWTs (three base64url parts, the first two JSON objects).
            Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{10,}"),
            // Passwords in URLs: scheme://user:password@host.
            Pattern.compile("(?<=[a-zA-Z][a-zA-Z0-9+.-]{0,20}://[^/\\s:@]{1,256}:)[^@\\s/]{1,256}(?=@)"));

    private final List<Pattern> patterns;
    private boolean inPrivateKey;
    private int found;

    private SecretDetectors(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    /**
     * @param custom a policy's extra regular expressions (Java syntax)
     * @throws IllegalArgumentException naming the pattern that does not compile
     */
    public static SecretDetectors withCustom(List<String> custom) {
        List<Pattern> all = new ArrayList<>(BUILT_IN);
        for (String regex : custom) {
            try {
                all.add(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("masking pattern '" + regex + "' is not a valid regular expression: "
                        + e.getDescription(), e);
            }
        }
        return new SecretDetectors(List.copyOf(all));
    }

    /** The line with every secret found replaced (the line ending, if any, is kept). */
    public String mask(String line) {
        if (inPrivateKey || PRIVATE_KEY_BEGIN.matcher(line).find()) {
            inPrivateKey = !PRIVATE_KEY_END.matcher(line).find();
            found++;
            return REDACTED + (line.endsWith("\n") ? "\n" : "");
        }
        String result = line;
        for (Pattern pattern : patterns) {
            Matcher matcher = pattern.matcher(result);
            if (matcher.find()) {
                StringBuilder masked = new StringBuilder();
                do {
                    found++;
                    matcher.appendReplacement(masked, Matcher.quoteReplacement(REDACTED));
                } while (matcher.find());
                matcher.appendTail(masked);
                result = masked.toString();
            }
        }
        return result;
    }

    /** Secrets replaced so far. */
    public int found() {
        return found;
    }
}
