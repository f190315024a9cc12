package dev.agentguard.relay;

import java.util.Locale;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;

/**
 * Relays one request to an upstream and its response back, streaming: bodies are
 * piped in both directions, never buffered, so watches and log follows flow as
 * they arrive. An HTTP upgrade (WebSocket exec) becomes a byte tunnel once the
 * upstream has answered {@code 101}, with the upstream's handshake headers passed
 * back; a refused upgrade is relayed as an ordinary response.
 *
 * <p>The caller decides the upstream {@code Authorization}: {@code authorize}
 * sees the upstream headers after the agent's Authorization and hop-by-hop
 * headers were removed.
 */
public final class HttpRelay {

    private static final Logger LOG = Logger.getLogger(HttpRelay.class);

    private final HttpClient upstream;
    private final String unreachableMessage;
    private final Consumer<RequestOptions> target;

    /**
     * @param unreachableMessage start of the 502 message when the upstream cannot be reached
     */
    public HttpRelay(HttpClient upstream, String unreachableMessage) {
        this(upstream, unreachableMessage, options -> {
        });
    }

    /**
     * @param target adjusts where each request goes, e.g. {@link UpstreamOptions#verifyingName}
     */
    public HttpRelay(HttpClient upstream, String unreachableMessage, Consumer<RequestOptions> target) {
        this.upstream = upstream;
        this.unreachableMessage = unreachableMessage;
        this.target = target;
    }

    /** Writes an upstream response to the agent; the default copies it as is, streaming. */
    @FunctionalInterface
    public interface Responder {
        void respond(HttpClientResponse from, HttpServerResponse to);
    }

    public void relay(HttpServerRequest in, Consumer<MultiMap> authorize) {
        relay(in, authorize, HttpRelay::respond);
    }

    /**
     * @param rewrite sets the upstream Authorization (and may adjust other upstream headers)
     * @param responder writes non-upgrade responses back, e.g. through a masking filter
     */
    public void relay(HttpServerRequest in, Consumer<MultiMap> rewrite, Responder responder) {
        boolean upgrade = Headers.isUpgrade(in.headers());
        in.pause();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setURI(in.uri());
        target.accept(options);
        upstream.request(options).onComplete(ar -> {
            if (ar.failed()) {
                badGateway(in.response(), ar.cause());
                return;
            }
            HttpClientRequest out = ar.result();
            Headers.copyRequest(in.headers(), out.headers(), upgrade);
            rewrite.accept(out.headers());
            if (upgrade) {
                tunnel(in, out);
            } else {
                pipe(in, out, responder);
            }
        });
    }

    private void pipe(HttpServerRequest in, HttpClientRequest out, Responder responder) {
        if (!in.headers().contains(HttpHeaders.CONTENT_LENGTH) && isChunked(in)) {
            out.setChunked(true);
        }
        // An agent that goes away (an ended watch, a killed kubectl) ends the upstream request too.
        in.response().closeHandler(v -> out.reset());
        out.response().onSuccess(response -> responder.respond(response, in.response()))
                .onFailure(e -> badGateway(in.response(), e));
        in.pipeTo(out);
    }

    private void tunnel(HttpServerRequest in, HttpClientRequest out) {
        // Once upgraded, the request object outlives its use: the tunnel's end closes the
        // connection and Vert.x reports that to the request, at ERROR unless it is handled here.
        out.exceptionHandler(e -> LOG.debugf("upgraded connection ended: %s", e.getMessage()));
        out.connect().onComplete(ar -> {
            if (ar.failed()) {
                badGateway(in.response(), ar.cause());
                return;
            }
            HttpClientResponse response = ar.result();
            if (response.statusCode() != 101) {
                respond(response, in.response());
                return;
            }
            NetSocket upstreamSocket = response.netSocket();
            // The 101 must carry the upstream's handshake headers (Sec-WebSocket-Accept, -Protocol).
            response.headers().forEach((name, value) -> in.response().headers().add(name, value));
            in.toNetSocket().onComplete(socket -> {
                if (socket.failed()) {
                    upstreamSocket.close();
                    return;
                }
                NetSocket agentSocket = socket.result();
                agentSocket.pipeTo(upstreamSocket);
                // Its end after the data it holds: Vert.x reports the close ahead of it.
                new InOrderEnd(upstreamSocket, Vertx.currentContext()).pipeTo(agentSocket);
            });
        });
    }

    /** Copies status, end-to-end headers and the body, streaming. */
    public static void respond(HttpClientResponse from, HttpServerResponse to) {
        to.setStatusCode(from.statusCode());
        to.setStatusMessage(from.statusMessage());
        Headers.copyResponse(from.headers(), to.headers());
        if (!from.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            to.setChunked(true);
        }
        from.pipeTo(to);
    }

    private static boolean isChunked(HttpServerRequest in) {
        String transferEncoding = in.getHeader(HttpHeaders.TRANSFER_ENCODING);
        return transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    private void badGateway(HttpServerResponse response, Throwable cause) {
        LOG.warnf("upstream request failed: %s", cause.getMessage());
        StatusResponses.send(response, 502, "BadGateway", unreachableMessage + ": " + cause.getMessage());
    }
}
