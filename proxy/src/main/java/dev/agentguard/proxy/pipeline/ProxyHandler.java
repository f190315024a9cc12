package dev.agentguard.proxy.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.policy.PolicyEngine;
import dev.agentguard.api.request.MalformedRequestException;
import dev.agentguard.api.request.RequestAttributes;
import dev.agentguard.api.request.Query;
import dev.agentguard.api.request.RequestParser;
import dev.agentguard.api.exec.ExecRequest;
import dev.agentguard.api.policy.ExecPolicy;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.ApprovalSettings;
import dev.agentguard.proxy.approval.ApprovalGate;
import dev.agentguard.proxy.exec.ExecRelay;
import dev.agentguard.proxy.exec.SessionPlan;
import dev.agentguard.proxy.audit.AuditRecord;
import dev.agentguard.proxy.audit.AuditTrail;
import dev.agentguard.proxy.metrics.ProxyMetrics;
import dev.agentguard.proxy.identity.AgentDirectory;
import dev.agentguard.proxy.identity.AuthenticationException;
import dev.agentguard.proxy.identity.Authenticator;
import dev.agentguard.proxy.identity.PodIdentity;
import dev.agentguard.proxy.masking.JsonStreamMasker;
import dev.agentguard.proxy.masking.LogMaskingResponder;
import dev.agentguard.proxy.masking.MaskingPlan;
import dev.agentguard.proxy.masking.MaskingResponder;
import dev.agentguard.proxy.masking.WebSocketWatchMasker;
import dev.agentguard.proxy.policy.PolicySource;
import dev.agentguard.relay.Headers;
import dev.agentguard.relay.HttpRelay;
import dev.agentguard.relay.StatusResponses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Every agent request, through a fixed chain with one job per step:
 * <ol>
 * <li>refuse client impersonation ({@code Impersonate-*}, {@code kubectl --as});</li>
 * <li>authenticate the pod-bound token (TokenReview, this node only);</li>
 * <li>parse the request into attributes, as kube-apiserver does;</li>
 * <li>decide with the policies in force, holding RequireApproval matches for a human;</li>
 * <li>relay upstream with the same token, so the agent's own RBAC still applies,
 * masking the response where it can carry secrets.</li>
 * </ol>
 * Steps 2 to 4 may block (API lookups) and run on a worker thread.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(ProxyHandler.class);
    private static final String BEARER = "Bearer ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final Authenticator authenticator;
    private final AgentDirectory directory;
    private final PolicySource policies;
    private final HttpRelay relay;
    private final WebSocketWatchMasker webSocketWatches;

    private final AuditTrail audit;
    private final ProxyMetrics metrics;
    private final ApprovalGate approvals;
    private final ExecRelay execSessions;

    public ProxyHandler(Vertx vertx, Authenticator authenticator, AgentDirectory directory, PolicySource policies,
            HttpClient upstream, ExecRelay execSessions, ApprovalGate approvals, AuditTrail audit,
            ProxyMetrics metrics) {
        this.execSessions = execSessions;
        this.vertx = vertx;
        this.approvals = approvals;
        this.audit = audit;
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.directory = directory;
        this.policies = policies;
        this.relay = new HttpRelay(upstream, "the agentguard proxy cannot reach the API server");
        this.webSocketWatches = new WebSocketWatchMasker(upstream, JSON);
    }

    @Override
    public void handle(HttpServerRequest in) {
        AuditRecord record = new AuditRecord(in.method().name(), in.uri(), in.remoteAddress().hostAddress(),
                in.getHeader(HttpHeaders.USER_AGENT));
        completeWhenDone(in, record);
        if (!policies.loaded()) {
            // Fail closed: without the operator's policy bundle nothing is judged, so nothing passes.
            StatusResponses.send(in.response(), 503, "ServiceUnavailable",
                    "agentguard has no policy bundle yet: the proxy serves no requests until the operator publishes one");
            return;
        }
        for (Map.Entry<String, String> header : in.headers()) {
            if (header.getKey().toLowerCase(Locale.ROOT).startsWith("impersonate-")) {
                StatusResponses.send(in.response(), 403, "Forbidden", "impersonation (" + header.getKey()
                        + ", kubectl --as) is not allowed through agentguard: agents act only as themselves");
                return;
            }
        }
        String authorization = in.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.startsWith(BEARER)) {
            StatusResponses.send(in.response(), 401, "Unauthorized", "Unauthorized: no bearer token");
            return;
        }
        String token = authorization.substring(BEARER.length()).trim();
        // The body waits until the request is decided (and, when held, approved) and forwarded.
        in.pause();
        // A token reviewed and a pod looked up within their TTLs: the rest is CPU work, done here
        // on the event loop. Anything that needs the API server goes to a worker thread.
        Optional<PodIdentity> reviewed = authenticator.cached(token);
        Optional<AgentIdentity> known = reviewed.flatMap(directory::cached);
        if (known.isPresent()) {
            Admission admission;
            try {
                admission = admit(in, reviewed.get(), known.get(), record);
            } catch (RuntimeException e) {
                refuse(in, e);
                return;
            }
            proceed(in, admission, token, record);
            return;
        }
        vertx.executeBlocking(() -> {
            PodIdentity pod = authenticator.authenticate(token);
            return admit(in, pod, directory.describe(pod), record);
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                refuse(in, ar.cause());
                return;
            }
            proceed(in, ar.result(), token, record);
        });
    }

    private void proceed(HttpServerRequest in, Admission admission, String token, AuditRecord record) {
        Decision decision = admission.decision();
        switch (decision.action()) {
            case Allow -> forward(in, admission, token, record);
            case Deny -> forbid(in, admission, admission.command() == null
                    ? Denials.forbidden(admission.attributes(), decision.match().orElseThrow())
                    : Denials.forbiddenCommand(admission.attributes(), decision.match().orElseThrow(),
                            admission.command()));
            case RequireApproval -> holdForApproval(in, admission, token, record);
        }
    }

    private void holdForApproval(HttpServerRequest in, Admission admission, String token, AuditRecord record) {
        Decision.Match match = admission.decision().match().orElseThrow();
        ApprovalSettings settings = policies.current().stream().filter(p -> p.ref().equals(match.policy()))
                .findFirst().map(CompiledPolicy::approval).orElse(null);
        List<String> command = admission.session() == null ? List.of() : admission.session().command();
        approvals.hold(admission.agent(), admission.pod().podUid(), admission.attributes(), command, match, settings)
                .onComplete(outcome -> {
                    if (in.response().closed()) {
                        // The agent gave up while held: a decision made afterwards must not act
                        // for a client that is no longer there to see the result.
                        LOG.infof("not forwarding %s %s: the agent disconnected while it was held",
                                admission.attributes().verb(), admission.attributes().path());
                    } else if (outcome.succeeded() && outcome.result().approved()) {
                        forward(in, admission, token, record);
                    } else {
                        String explanation = outcome.succeeded() ? outcome.result().explanation()
                                : "the approval could not be recorded: " + outcome.cause().getMessage();
                        forbid(in, admission, Denials.notApproved(admission.attributes(), match, explanation));
                    }
                });
    }

    /** Exactly one audit event and one metric sample per request, when its response ends or the connection goes. */
    private void completeWhenDone(HttpServerRequest in, AuditRecord record) {
        AtomicBoolean done = new AtomicBoolean();
        long started = System.nanoTime();
        Runnable complete = () -> {
            if (done.compareAndSet(false, true)) {
                // A connection closed before any response (an agent that gave up on a held request)
                // must not read as the 200 that Vert.x reports for an unwritten response.
                int code = in.response().headWritten() ? in.response().getStatusCode() : AuditRecord.NO_RESPONSE;
                audit.completed(record, code);
                metrics.request(record.decision().map(d -> d.action().name()).orElse("None"), code,
                        Duration.ofNanos(System.nanoTime() - started));
            }
        };
        in.response().endHandler(v -> complete.run());
        // The response's close handler belongs to the relay (it resets upstream); an agent that
        // leaves a watch or tunnel is seen here, on the connection.
        in.connection().closeHandler(v -> complete.run());
    }

    private void forward(HttpServerRequest in, Admission admission, String token, AuditRecord record) {
        String upgrade = in.getHeader(HttpHeaders.UPGRADE);
        if (upgrade != null && upgrade.toUpperCase(Locale.ROOT).startsWith("SPDY")) {
            // Decided after policy, so a refused command still reads as refused when kubectl falls back
            // to SPDY. SPDY streams are not relayed: kubectl 1.30+ speaks WebSockets.
            in.resume();
            StatusResponses.send(in.response(), 400, "BadRequest", "agentguard relays exec, attach and"
                    + " port-forward over WebSockets only (v5.channel.k8s.io); SPDY is not supported."
                    + " Use kubectl 1.30 or newer, or a client that speaks WebSockets");
            return;
        }
        if (admission.session() != null && upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            execSessions.serve(in, admission.session(), headers -> headers.set(HttpHeaders.AUTHORIZATION,
                    BEARER + token), outcome -> {
                        record.masked(outcome.masked());
                        metrics.masked(outcome.masked());
                        metrics.session(outcome.terminated(), outcome.bytesOut(), outcome.blockedCommands().size());
                    });
            return;
        }
        MaskingPlan plan = admission.masking();
        if (!plan.masksAnything()) {
            relay.relay(in, headers -> headers.set(HttpHeaders.AUTHORIZATION, BEARER + token));
            return;
        }
        if (plan.logs()) {
            relay.relay(in, headers -> {
                headers.set(HttpHeaders.AUTHORIZATION, BEARER + token);
                headers.remove(HttpHeaders.ACCEPT_ENCODING);
            }, new LogMaskingResponder(plan, masked -> {
                record.masked(masked);
                metrics.masked(masked);
            }));
            return;
        }
        JsonStreamMasker.Shape shape = switch (admission.attributes().verb()) {
            case "watch" -> JsonStreamMasker.Shape.WATCH;
            case "list", "deletecollection" -> JsonStreamMasker.Shape.LIST;
            default -> JsonStreamMasker.Shape.SINGLE;
        };
        if (Headers.isUpgrade(in.headers())) {
            // A tunnel would carry values past the masker: a WebSocket watch is masked here, nothing else is allowed.
            if ("watch".equals(admission.attributes().verb())) {
                webSocketWatches.serve(in, plan, headers -> headers.set(HttpHeaders.AUTHORIZATION, BEARER + token));
            } else {
                in.resume();
                StatusResponses.send(in.response(), 400, "BadRequest", "agentguard cannot inspect an upgraded"
                        + " connection for " + admission.attributes().resource() + "; use plain HTTP");
            }
            return;
        }
        relay.relay(in, headers -> {
            headers.set(HttpHeaders.AUTHORIZATION, BEARER + token);
            MaskingResponder.requestJson(headers);
        }, new MaskingResponder(JSON, plan, shape, masked -> {
            record.masked(masked);
            metrics.masked(masked);
        }));
    }

    /** Parses the request and decides it for this agent: CPU work only, no API server call. */
    private Admission admit(HttpServerRequest in, PodIdentity pod, AgentIdentity agent, AuditRecord record) {
        record.identified(agent, pod.podUid());
        RequestAttributes attributes = RequestParser.parse(in.method().name(), in.path(), in.query(),
                in.getHeader(HttpHeaders.CONTENT_TYPE));
        List<CompiledPolicy> inForce = policies.current();
        List<CompiledPolicy> selecting = inForce.stream().filter(p -> p.selects(agent)).toList();
        Decision decision = PolicyEngine.decide(attributes, agent, inForce);
        if (!ExecRequest.isSession(attributes)) {
            record.decided(attributes, decision);
            return new Admission(pod, agent, attributes, decision, MaskingPlan.forRequest(attributes, selecting),
                    null, null);
        }
        SessionPlan session = SessionPlan.admit(attributes, Query.parse(in.query()), agent, pod.podUid(), inForce);
        String refused = null;
        if (ExecRequest.isExec(attributes) && decision.action() == Action.Allow) {
            // The command is checked before anything connects upstream: a refused command never starts.
            ExecPolicy.ExecDecision exec = ExecPolicy.decide(session.command(), agent, inForce);
            if (exec.decision().action() != Action.Allow || exec.decision().wouldHave().isPresent()) {
                decision = exec.decision();
            }
            refused = exec.command().map(c -> String.join(" ", c.argv())).orElse(String.join(" ", session.command()));
        }
        record.decided(attributes, decision);
        return new Admission(pod, agent, attributes, decision, MaskingPlan.NONE, refused, session);
    }

    private static void forbid(HttpServerRequest in, Admission admission, String message) {
        LOG.infof("denied %s %s for %s: %s", admission.attributes().verb(), admission.attributes().path(),
                admission.agent().userName(), message);
        in.resume();
        StatusResponses.send(in.response(), 403, "Forbidden", message);
    }

    private static void refuse(HttpServerRequest in, Throwable cause) {
        in.resume();
        if (cause instanceof AuthenticationException e) {
            StatusResponses.send(in.response(), e.code(), e.code() == 401 ? "Unauthorized" : "Forbidden",
                    e.getMessage());
        } else if (cause instanceof MalformedRequestException e) {
            StatusResponses.send(in.response(), 400, "BadRequest", e.getMessage());
        } else {
            LOG.errorf(cause, "request %s %s failed in the proxy", in.method(), in.path());
            StatusResponses.send(in.response(), 500, "InternalError",
                    "agentguard proxy error; the request was not forwarded");
        }
    }
}
