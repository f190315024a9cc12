package dev.agentguard.shim.forward;

import java.io.IOException;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.agentguard.shim.credentials.PlaceholderCredentials;
import dev.agentguard.shim.credentials.TokenFile;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;

/**
 * Handles every request the agent makes: accepts only the placeholder token,
 * then forwards the request to the upstream with the pod's real token. Bodies are
 * piped in both directions, never buffered, so watches and log follows stream as
 * they arrive; HTTP upgrades (WebSocket exec) become a byte tunnel once the
 * upstream has switched protocols.
 */
public final class ApiForwarder implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(ApiForwarder.class);
    private static final String BEARER = "Bearer ";

    private final HttpClient upstream;
    private final PlaceholderCredentials placeholder;
    private final TokenFile token;

    public ApiForwarder(HttpClient upstream, PlaceholderCredentials placeholder, TokenFile token) {
        this.upstream = upstream;
        this.placeholder = placeholder;
        this.token = token;
    }

    @Override
    public void handle(HttpServerRequest in) {
        String authorization = in.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith(BEARER)
                || !placeholder.accepts(authorization.substring(BEARER.length()).trim())) {
            StatusResponses.send(in.response(), 401, "Unauthorized",
                    "Unauthorized: present the token from /var/run/secrets/kubernetes.io/serviceaccount/token");
            return;
        }
        Optional<String> realToken;
        try {
            realToken = token.current();
        } catch (IOException e) {
            LOG.errorf("cannot read the pod token %s: %s", token.path(), e.getMessage());
            StatusResponses.send(in.response(), 503, "ServiceUnavailable",
                    "the agentguard shim cannot read the pod's service-account token");
            return;
        }
        if (realToken.isEmpty()) {
            StatusResponses.send(in.response(), 401, "Unauthorized",
                    "this pod has no service-account token (automountServiceAccountToken: false)");
            return;
        }
        boolean upgrade = Headers.isUpgrade(in.headers());
        in.pause();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setURI(in.uri());
        upstream.request(options).onComplete(ar -> {
            if (ar.failed()) {
                badGateway(in.response(), ar.cause());
                return;
            }
            HttpClientRequest out = ar.result();
            Headers.copyRequest(in.headers(), out.headers(), upgrade);
            out.putHeader(HttpHeaders.AUTHORIZATION, BEARER + realToken.get());
            if (upgrade) {
                tunnel(in, out);
            } else {
                relay(in, out);
            }
        });
    }

    private void relay(HttpServerRequest in, HttpClientRequest out) {
        if (!in.headers().contains(HttpHeaders.CONTENT_LENGTH) && hasBody(in)) {
            out.setChunked(true);
        }
        // An agent that goes away (an ended watch, a killed kubectl) ends the upstream request too.
        in.response().closeHandler(v -> out.reset());
        out.response().onSuccess(response -> respond(in.response(), response)).onFailure(
                e -> badGateway(in.response(), e));
        in.pipeTo(out);
    }

    private void tunnel(HttpServerRequest in, HttpClientRequest out) {
        out.connect().onComplete(ar -> {
            if (ar.failed()) {
                badGateway(in.response(), ar.cause());
                return;
            }
            HttpClientResponse response = ar.result();
            if (response.statusCode() != 101) {
                // Refused (e.g. 403 from policy, 400 for a bad request): an ordinary response.
                respond(in.response(), response);
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
                upstreamSocket.pipeTo(agentSocket);
            });
        });
    }

    private static void respond(HttpServerResponse to, HttpClientResponse from) {
        to.setStatusCode(from.statusCode());
        to.setStatusMessage(from.statusMessage());
        Headers.copyResponse(from.headers(), to.headers());
        if (!from.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            to.setChunked(true);
        }
        from.pipeTo(to);
    }

    private static boolean hasBody(HttpServerRequest in) {
        String transferEncoding = in.getHeader(HttpHeaders.TRANSFER_ENCODING);
        return transferEncoding != null && transferEncoding.toLowerCase().contains("chunked");
    }

    private static void badGateway(HttpServerResponse response, Throwable cause) {
        LOG.warnf("upstream request failed: %s", cause.getMessage());
        StatusResponses.send(response, 502, "BadGateway",
                "the agentguard shim cannot reach the node proxy: " + cause.getMessage());
    }
}
