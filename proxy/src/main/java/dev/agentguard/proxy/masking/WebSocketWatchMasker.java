package dev.agentguard.proxy.masking;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.relay.Headers;
import dev.agentguard.relay.HttpRelay;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;

/**
 * A watch the client asked to receive over WebSocket (fabric8 and others do),
 * on a resource whose values must be masked. A tunnel would carry the events
 * past the masker, so the proxy terminates the WebSocket itself: it watches
 * upstream over plain HTTP, masks each event, and sends it as one text message,
 * as the API server would.
 */
public final class WebSocketWatchMasker {

    private static final Logger LOG = Logger.getLogger(WebSocketWatchMasker.class);

    private final HttpClient upstream;
    private final ObjectMapper mapper;

    public WebSocketWatchMasker(HttpClient upstream, ObjectMapper mapper) {
        this.upstream = upstream;
        this.mapper = mapper;
    }

    public void serve(HttpServerRequest in, MaskingPlan plan, Consumer<MultiMap> authorize) {
        in.pause();
        upstream.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(in.uri())).onComplete(ar -> {
            if (ar.failed()) {
                in.resume();
                in.response().setStatusCode(502).end();
                return;
            }
            var out = ar.result();
            Headers.copyRequest(in.headers(), out.headers(), false);
            out.headers().names().removeIf(name -> name.toLowerCase(Locale.ROOT).startsWith("sec-websocket-"));
            authorize.accept(out.headers());
            MaskingResponder.requestJson(out.headers());
            out.send().onComplete(response -> {
                in.resume();
                if (response.failed()) {
                    in.response().setStatusCode(502).end();
                } else if (response.result().statusCode() != 200) {
                    // Refused upstream (RBAC, bad request): the handshake fails with that answer.
                    HttpRelay.respond(response.result(), in.response());
                } else {
                    in.toWebSocket().onComplete(ws -> {
                        if (ws.failed()) {
                            response.result().request().reset();
                        } else {
                            stream(response.result(), ws.result(), plan);
                        }
                    });
                }
            });
        });
    }

    private void stream(HttpClientResponse from, ServerWebSocket to, MaskingPlan plan) {
        JsonStreamMasker masker = new JsonStreamMasker(mapper, new ObjectMasker(plan), JsonStreamMasker.Shape.WATCH);
        from.handler(chunk -> {
            byte[] masked;
            try {
                masked = masker.feed(chunk.getBytes());
            } catch (MaskingException e) {
                LOG.warnf("cut off a watch that could not be masked: %s", e.getMessage());
                from.request().reset();
                to.close((short) 1011, "agentguard could not mask the watch");
                return;
            }
            // Events are written one per line (no raw newlines inside JSON values).
            for (String event : new String(masked, StandardCharsets.UTF_8).split("\n")) {
                if (!event.isBlank()) {
                    to.writeTextMessage(event);
                }
            }
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
        from.endHandler(v -> to.close());
        from.exceptionHandler(e -> to.close((short) 1011, "upstream watch failed"));
        to.closeHandler(v -> from.request().reset());
    }
}
