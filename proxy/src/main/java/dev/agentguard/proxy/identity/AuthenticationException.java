package dev.agentguard.proxy.identity;

/** A request whose caller cannot be established (401) or is not served here (403). */
public final class AuthenticationException extends RuntimeException {

    private final int code;

    public AuthenticationException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
