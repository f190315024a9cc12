package dev.agentguard.kubectl;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A failure as one line for the caller. An API server refusal becomes its own message (the
 * approvals webhook's explains who may decide), without the client library's request dump.
 */
public record Failure(String message, int exitCode) {

    /** For a failure the command detected itself (not found, already decided, bad input). */
    public static RuntimeException of(String message) {
        return new CommandException(message);
    }

    static Failure of(Exception e) {
        if (e instanceof CommandException command) {
            return new Failure(command.getMessage(), ExitCodes.ERROR);
        }
        if (e instanceof KubernetesClientException kube) {
            return new Failure(apiMessage(kube), ExitCodes.ERROR);
        }
        return new Failure(e.getMessage() == null ? e.toString() : e.getMessage(), ExitCodes.ERROR);
    }

    private static String apiMessage(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
            String message = status.getMessage();
            // "admission webhook "approvals.agentguard.dev" denied the request: <why>" reads as <why>.
            int denied = message.indexOf("denied the request: ");
            return denied >= 0 ? message.substring(denied + "denied the request: ".length()) : message;
        }
        if (e.getCode() == 0) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "cannot reach the API server: " + (cause.getMessage() == null ? cause : cause.getMessage());
        }
        return e.getMessage().lines().findFirst().orElse("the API server refused the request");
    }

    private static final class CommandException extends RuntimeException {
        CommandException(String message) {
            super(message);
        }
    }
}
