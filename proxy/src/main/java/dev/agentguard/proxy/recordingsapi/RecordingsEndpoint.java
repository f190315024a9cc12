package dev.agentguard.proxy.recordingsapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.logging.Logger;

import dev.agentguard.proxy.identity.AuthenticationException;
import dev.agentguard.proxy.identity.ReviewedUser;
import dev.agentguard.proxy.identity.UserAuthenticator;
import dev.agentguard.proxy.metrics.ProxyMetrics;
import dev.agentguard.proxy.recording.ChainVerifier;
import dev.agentguard.proxy.recording.SessionVerification;
import dev.agentguard.relay.StatusResponses;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The people-facing recordings endpoint on the proxy's listener: a session's
 * asciicast file and its chain verification, for callers whose bearer token the
 * API server accepts (TokenReview) and who may {@code get agentsessions/recording}
 * on that session (SubjectAccessReview). Nothing here is ever forwarded upstream:
 * the proxy answers from its own disk, and its own identity only asks the two reviews
 * and reads the AgentSession.
 *
 * <p>Agent traffic arrives the same way (the shim adds the pod's token), so a pod
 * reads a recording only if its ServiceAccount really holds the grant.
 */
public final class RecordingsEndpoint implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(RecordingsEndpoint.class);
    private static final String BEARER = "Bearer ";
    public static final String ASCIICAST = "application/x-asciicast";

    private final Vertx vertx;
    private final UserAuthenticator authenticator;
    private final RecordingAccess access;
    private final RecordingLocator locator;
    private final ProxyMetrics metrics;

    public RecordingsEndpoint(Vertx vertx, KubernetesClient client, UserAuthenticator authenticator,
            String systemNamespace, String nodeName, Path recordings, ProxyMetrics metrics) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.access = new RecordingAccess(client);
        this.locator = new RecordingLocator(client, systemNamespace, nodeName, recordings);
        this.metrics = metrics;
    }

    /** Whether a request is for this endpoint rather than the agent pipeline. */
    public static boolean serves(HttpServerRequest in) {
        return in.path() != null && in.path().startsWith(RecordingPath.PREFIX);
    }

    @Override
    public void handle(HttpServerRequest in) {
        String kind = in.path().endsWith("/verification") ? "verification" : "recording";
        RecordingPath path;
        try {
            if (in.method() != HttpMethod.GET && in.method() != HttpMethod.HEAD) {
                in.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
                throw new EndpointException(405, "MethodNotAllowed", "method-not-allowed",
                        "recordings are read-only: use GET or HEAD, not " + in.method().name());
            }
            try {
                path = RecordingPath.parse(in.path());
            } catch (RecordingPath.BadPath e) {
                throw new EndpointException(e.code(), e.code() == 400 ? "BadRequest" : "NotFound",
                        e.code() == 400 ? "bad-request" : "not-found", e.getMessage());
            }
            if (in.query() != null && !in.query().isEmpty()) {
                throw new EndpointException(400, "BadRequest", "bad-request",
                        "the recordings endpoint takes no query parameters");
            }
        } catch (EndpointException e) {
            refuse(in, kind, e);
            return;
        }
        String authorization = in.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith(BEARER) || authorization.length() == BEARER.length()) {
            refuse(in, kind, new EndpointException(401, "Unauthorized", "unauthenticated",
                    "Unauthorized: recordings need an Authorization: Bearer token the API server accepts"));
            return;
        }
        String token = authorization.substring(BEARER.length()).trim();
        in.pause();
        vertx.executeBlocking(() -> prepare(path, token), false).onComplete(ar -> {
            in.resume();
            if (ar.failed()) {
                refuse(in, kind, ar.cause());
                return;
            }
            Path file = ar.result().file();
            if (path.verification()) {
                JsonObject body = json(ar.result().verification());
                String text = body.encode();
                in.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
                if (in.method() == HttpMethod.HEAD) {
                    in.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(text.length()));
                    in.response().end();
                } else {
                    in.response().end(text);
                }
            } else {
                in.response().putHeader(HttpHeaders.CONTENT_TYPE, ASCIICAST);
                // Sent as written: no compression, no transformation, so it hashes to the ledger's value.
                in.response().putHeader("Cache-Control", "no-store");
                if (in.method() == HttpMethod.HEAD) {
                    in.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(ar.result().size()));
                    in.response().end();
                } else {
                    // Streamed from disk by Vert.x (zero-copy where the platform allows), never read whole.
                    in.response().sendFile(file.toString());
                }
            }
            metrics.recordingFetch(kind, "served");
        });
    }

    private record Prepared(Path file, long size, SessionVerification verification) {
    }

    private Prepared prepare(RecordingPath path, String token) throws IOException {
        ReviewedUser user;
        try {
            user = authenticator.authenticate(token);
        } catch (AuthenticationException e) {
            throw new EndpointException(401, "Unauthorized", "unauthenticated", e.getMessage());
        }
        RecordingAccess.Verdict verdict = access.check(user, path.namespace(), path.session());
        if (!verdict.allowed()) {
            LOG.infof("recording of %s/%s refused to %s", path.namespace(), path.session(), user.username());
            throw new EndpointException(403, "Forbidden", "forbidden", "Forbidden: user \"" + user.username()
                    + "\" cannot get agentsessions/recording \"" + path.session() + "\" in namespace \""
                    + path.namespace() + "\"" + (verdict.reason() == null || verdict.reason().isBlank() ? ""
                            : ": " + verdict.reason()));
        }
        Path file = locator.locate(path.namespace(), path.session());
        LOG.infof("%s of %s/%s served to %s", path.verification() ? "verification" : "recording",
                path.namespace(), path.session(), user.username());
        return new Prepared(file, Files.size(file),
                path.verification() ? ChainVerifier.verifySession(locator.dir(), path.session()) : null);
    }

    private static JsonObject json(SessionVerification verification) {
        return new JsonObject()
                .put("session", verification.session())
                .put("intact", verification.intact())
                .put("problems", new JsonArray(verification.problems()))
                .put("digest", verification.digest())
                .put("incomplete", verification.incomplete());
    }

    private void refuse(HttpServerRequest in, String kind, Throwable cause) {
        if (cause instanceof EndpointException e) {
            metrics.recordingFetch(kind, e.outcome());
            StatusResponses.send(in.response(), e.code(), e.reason(), e.getMessage());
            return;
        }
        LOG.warnf(cause, "recordings endpoint failed");
        metrics.recordingFetch(kind, "error");
        StatusResponses.send(in.response(), 500, "InternalError",
                "the agentguard proxy could not serve the recording: " + cause.getMessage());
    }
}
