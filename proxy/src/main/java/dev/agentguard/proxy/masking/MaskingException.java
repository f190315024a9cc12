package dev.agentguard.proxy.masking;

/** A response that cannot be masked; it is cut off rather than passed through. */
public final class MaskingException extends RuntimeException {

    public MaskingException(String message) {
        super(message);
    }

    public MaskingException(String message, Throwable cause) {
        super(message, cause);
    }
}
