package dev.agentguard.api.exec;

/** A script a shell would refuse to run; it is refused here too, with the reason. */
public final class ShellSyntaxException extends RuntimeException {

    public ShellSyntaxException(String message) {
        super(message);
    }
}
