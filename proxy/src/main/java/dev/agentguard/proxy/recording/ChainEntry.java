package dev.agentguard.proxy.recording;

/**
 * One completed recording in a node's chain.
 *
 * @param file     the recording's file name, relative to the recording directory
 * @param sha256   the recording file's SHA-256
 * @param previous the digest of the entry before (64 zeros for the first)
 * @param digest   SHA-256 over the previous digest and this entry's fields, see {@link #digestOf}
 */
public record ChainEntry(long sequence, String session, String file, String sha256, boolean incomplete,
        String previous, String digest) {

    /** What the first entry's {@code previous} is. */
    static final String START = "0".repeat(64);

    /** The entry that follows {@code before} ({@code null} for the first one). */
    static ChainEntry after(ChainEntry before, String session, String file, String sha256, boolean incomplete) {
        long sequence = before == null ? 1 : before.sequence() + 1;
        String previous = before == null ? START : before.digest();
        return new ChainEntry(sequence, session, file, sha256, incomplete, previous,
                digestOf(previous, sequence, session, file, sha256, incomplete));
    }

    /** The digest this entry's fields call for; differs from {@link #digest()} if the entry was altered. */
    String recomputedDigest() {
        return digestOf(previous, sequence, session, file, sha256, incomplete);
    }

    /** Newline-separated: none of the fields can contain one (ids, names, hex). */
    static String digestOf(String previous, long sequence, String session, String file, String sha256,
            boolean incomplete) {
        return Sha256.of(previous + "\n" + sequence + "\n" + session + "\n" + file + "\n" + sha256 + "\n"
                + incomplete);
    }
}
