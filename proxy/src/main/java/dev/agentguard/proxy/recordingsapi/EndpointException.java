package dev.agentguard.proxy.recordingsapi;

/** A refusal of the recordings endpoint: HTTP code, Status reason, and the one-line message the caller sees. */
final class EndpointException extends RuntimeException {

    private final int code;
    private final String reason;
    private final String outcome;

    EndpointException(int code, String reason, String outcome, String message) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.outcome = outcome;
    }

    int code() {
        return code;
    }

    String reason() {
        return reason;
    }

    /** The metrics label. */
    String outcome() {
        return outcome;
    }
}
