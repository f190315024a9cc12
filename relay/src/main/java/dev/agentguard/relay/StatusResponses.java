package dev.agentguard.relay;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Errors in Kubernetes {@code Status} form, so kubectl and client libraries print the message. */
public final class StatusResponses {

    private StatusResponses() {
    }

    public static void send(HttpServerResponse response, int code, String reason, String message) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        JsonObject status = new JsonObject()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .put("metadata", new JsonObject())
                .put("status", "Failure")
                .put("message", message)
                .put("reason", reason)
                .put("code", code);
        response.setStatusCode(code).putHeader("Content-Type", "application/json").end(status.encode());
    }
}
