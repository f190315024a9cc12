package dev.agentguard.api.request;

/** A request no API server would route; answered with 400 and this message. */
public final class MalformedRequestException extends RuntimeException {

    public MalformedRequestException(String message) {
        super(message);
    }
}
