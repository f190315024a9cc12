package dev.agentguard.shim.forward;

import java.io.IOException;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.agentguard.relay.HttpRelay;
import dev.agentguard.relay.StatusResponses;
import dev.agentguard.shim.credentials.PlaceholderCredentials;
import dev.agentguard.shim.credentials.TokenFile;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Handles every request the agent makes: accepts only the placeholder token,
 * then relays the request upstream with the pod's real token in its place.
 */
public final class ApiForwarder implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(ApiForwarder.class);
    private static final String BEARER = "Bearer ";

    private final HttpRelay relay;
    private final PlaceholderCredentials placeholder;
    private final TokenFile token;

    public ApiForwarder(HttpClient upstream, PlaceholderCredentials placeholder, TokenFile token) {
        this(upstream, options -> {
        }, placeholder, token);
    }

    /** @param target where each request goes (see {@link dev.agentguard.relay.UpstreamOptions#verifyingName}) */
    public ApiForwarder(HttpClient upstream, java.util.function.Consumer<io.vertx.core.http.RequestOptions> target,
            PlaceholderCredentials placeholder, TokenFile token) {
        this.relay = new HttpRelay(upstream, "the agentguard shim cannot reach the node proxy", target);
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
        relay.relay(in, headers -> headers.set(HttpHeaders.AUTHORIZATION, BEARER + realToken.get()));
    }
}
