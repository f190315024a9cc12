package dev.agentguard.proxy.masking;

import java.util.Locale;
import java.util.function.IntConsumer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.relay.HttpRelay;
import dev.agentguard.relay.StatusResponses;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Sends an upstream response to the agent through {@link JsonStreamMasker}. The
 * request was made to ask for uncompressed JSON only ({@link #requestJson}); a
 * response in any other form cannot be inspected and is refused, never passed on.
 */
public final class MaskingResponder implements HttpRelay.Responder {

    private static final String TABLE = "as=Table";

    private final ObjectMapper mapper;
    private final ObjectMasker masker;
    private final JsonStreamMasker.Shape shape;
    private final IntConsumer onMasked;

    public MaskingResponder(ObjectMapper mapper, MaskingPlan plan, JsonStreamMasker.Shape shape,
            IntConsumer onMasked) {
        this.mapper = mapper;
        this.masker = new ObjectMasker(plan);
        this.shape = shape;
        this.onMasked = onMasked;
    }

    /**
     * Rewrites upstream request headers so the API server answers in a form the
     * proxy can inspect: JSON (keeping a Table request a Table), no compression.
     * Protobuf and CBOR are never asked for, so they can never carry a value past the masker.
     */
    public static void requestJson(MultiMap upstreamHeaders) {
        String accept = upstreamHeaders.get(HttpHeaders.ACCEPT);
        boolean table = accept != null && accept.contains(TABLE);
        upstreamHeaders.set(HttpHeaders.ACCEPT, table
                ? "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
                : "application/json");
        upstreamHeaders.remove(HttpHeaders.ACCEPT_ENCODING);
    }

    @Override
    public void respond(HttpClientResponse from, HttpServerResponse to) {
        String type = from.getHeader(HttpHeaders.CONTENT_TYPE);
        String encoding = from.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")
                || encoding != null && !encoding.equalsIgnoreCase("identity")) {
            from.request().reset();
            StatusResponses.send(to, 502, "BadGateway", "agentguard cannot inspect a response of type "
                    + type + (encoding == null ? "" : " with encoding " + encoding)
                    + " for a resource it must mask; it was not passed on");
            return;
        }
        MaskedResponse.pipe(from, to, new JsonStreamMasker(mapper, masker, shape), onMasked);
    }
}
