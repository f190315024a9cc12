package dev.agentguard.proxy.masking;

import java.util.function.IntConsumer;

import dev.agentguard.relay.HttpRelay;
import dev.agentguard.relay.StatusResponses;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Sends pod logs (including {@code logs -f}) through {@link LineMasker}: each
 * line leaves as soon as it is complete, with detected secrets replaced.
 * Upstream is asked for uncompressed text; a compressed answer is refused.
 */
public final class LogMaskingResponder implements HttpRelay.Responder {

    private final MaskingPlan plan;
    private final IntConsumer onMasked;

    public LogMaskingResponder(MaskingPlan plan, IntConsumer onMasked) {
        this.plan = plan;
        this.onMasked = onMasked;
    }

    @Override
    public void respond(HttpClientResponse from, HttpServerResponse to) {
        String encoding = from.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            from.request().reset();
            StatusResponses.send(to, 502, "BadGateway", "agentguard cannot inspect logs with encoding " + encoding);
            return;
        }
        MaskedResponse.pipe(from, to, new LineMasker(SecretDetectors.withCustom(plan.patterns())), onMasked);
    }
}
