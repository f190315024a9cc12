package dev.agentguard.proxy.exec;

import java.io.IOException;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code Status} a session ends with, on the error channel: how the
 * command exited, and the Status the proxy sends when it ends a session itself.
 */
final class ExecStatus {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecStatus() {
    }

    /** The exit code the Status reports: 0 for Success, the ExitCode cause for NonZeroExitCode. */
    static OptionalInt exitCode(byte[] status) {
        try {
            JsonNode node = JSON.readTree(status);
            if (node == null) {
                return OptionalInt.empty();
            }
            if ("Success".equals(node.path("status").asText())) {
                return OptionalInt.of(0);
            }
            if ("NonZeroExitCode".equals(node.path("reason").asText())) {
                for (JsonNode cause : node.path("details").path("causes")) {
                    if ("ExitCode".equals(cause.path("reason").asText())) {
                        return OptionalInt.of(Integer.parseInt(cause.path("message").asText()));
                    }
                }
            }
            return OptionalInt.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** A Failure Status, as kube-apiserver would write it; kubectl prints its message. */
    static byte[] failure(String message) {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure").put("message", message).put("reason", "Forbidden").put("code", 403);
        try {
            return JSON.writeValueAsBytes(status);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
