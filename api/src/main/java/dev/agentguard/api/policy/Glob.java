package dev.agentguard.api.policy;

/** A name pattern where {@code *} matches any run of characters (including none). */
public record Glob(String pattern) {

    public static final String ANY = "*";

    public boolean matches(String value) {
        return matches(pattern, 0, value, 0);
    }

    private static boolean matches(String p, int pi, String v, int vi) {
        // Iterative with backtracking to the last '*': linear for the patterns policies use.
        int star = -1;
        int mark = 0;
        while (vi < v.length()) {
            if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = vi;
            } else if (pi < p.length() && p.charAt(pi) == v.charAt(vi)) {
                pi++;
                vi++;
            } else if (star >= 0) {
                pi = star + 1;
                vi = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
