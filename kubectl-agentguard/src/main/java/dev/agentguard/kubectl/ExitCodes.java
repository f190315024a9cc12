package dev.agentguard.kubectl;

/**
 * What scripts and CI can rely on. {@code policy test} reports the decision in its exit code, so
 * {@code kubectl agentguard policy test … || exit} gates a change on it.
 */
public final class ExitCodes {

    /** Done; for policy test: the request would be allowed. */
    public static final int OK = 0;
    /** The command failed: a bad file, an unreachable or refusing API server, a refused decision. */
    public static final int ERROR = 1;
    /** The command line is wrong (picocli's own code). */
    public static final int USAGE = 2;
    /** policy test: the request would be denied. */
    public static final int DENIED = 3;
    /** policy test: the request would wait for a human's approval. */
    public static final int REQUIRES_APPROVAL = 4;

    private ExitCodes() {
    }
}
