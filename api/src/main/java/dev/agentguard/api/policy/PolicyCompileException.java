package dev.agentguard.api.policy;

/** A policy that cannot be enforced as written; the message names the field and the problem. */
public final class PolicyCompileException extends RuntimeException {

    public PolicyCompileException(String message) {
        super(message);
    }
}
