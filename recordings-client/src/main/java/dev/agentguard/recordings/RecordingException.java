package dev.agentguard.recordings;

/**
 * A recording that could not be fetched or verified, with a one-line message
 * for the person who asked (the proxy's own Status message where it gave one).
 *
 * @see #status() the HTTP status from the proxy, or 0 when none was reached
 */
public final class RecordingException extends RuntimeException {

    private final int status;

    public RecordingException(int status, String message) {
        super(message);
        this.status = status;
    }

    public RecordingException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    public int status() {
        return status;
    }
}
