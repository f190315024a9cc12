package dev.agentguard.proxy.masking;

import java.util.function.IntConsumer;

import org.jboss.logging.Logger;

import dev.agentguard.relay.Headers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Pumps an upstream response to the agent through a {@link StreamMasker},
 * keeping back-pressure (upstream paused while the agent's side is full). A
 * response that cannot be masked is cut off, never passed on.
 */
final class MaskedResponse {

    private static final Logger LOG = Logger.getLogger(MaskedResponse.class);

    private MaskedResponse() {
    }

    static void pipe(HttpClientResponse from, HttpServerResponse to, StreamMasker masker, IntConsumer onMasked) {
        to.setStatusCode(from.statusCode());
        to.setStatusMessage(from.statusMessage());
        Headers.copyResponse(from.headers(), to.headers());
        // Masking changes the length.
        to.headers().remove(HttpHeaders.CONTENT_LENGTH);
        to.setChunked(true);
        from.handler(chunk -> {
            byte[] masked;
            try {
                masked = masker.feed(chunk.getBytes());
            } catch (MaskingException e) {
                abort(from, to, e);
                return;
            }
            if (masked.length > 0) {
                to.write(Buffer.buffer(masked));
            }
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
        from.exceptionHandler(e -> to.reset());
        from.endHandler(v -> {
            try {
                to.end(Buffer.buffer(masker.end()));
                onMasked.accept(masker.masked());
            } catch (MaskingException e) {
                abort(from, to, e);
            }
        });
        to.closeHandler(v -> from.request().reset());
    }

    private static void abort(HttpClientResponse from, HttpServerResponse to, MaskingException e) {
        LOG.warnf("cut off a response that could not be masked: %s", e.getMessage());
        from.request().reset();
        to.reset();
    }
}
