package dev.agentguard.proxy.exec;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.agentguard.proxy.recording.ChainEntry;
import dev.agentguard.proxy.recording.CompletedRecording;
import dev.agentguard.proxy.recording.RecordingChain;
import dev.agentguard.proxy.recording.SessionHeader;
import dev.agentguard.proxy.recording.SessionRecording;
import dev.agentguard.relay.StatusResponses;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Serves an admitted exec or attach: opens the session upstream with the
 * agent's token over the subprotocol the agent prefers, completes the agent's
 * handshake with the same one, and relays the session message by message
 * ({@link ExecSession}). Every session is recorded; a session that cannot be
 * recorded does not start. At the end the recording joins this node's chain and
 * the session's AgentSession is completed.
 */
public final class ExecRelay {

    private static final Logger LOG = Logger.getLogger(ExecRelay.class);
    private static final String PROTOCOL_HEADER = "Sec-WebSocket-Protocol";

    private final Vertx vertx;
    private final ExecUpstream upstream;
    private final Path recordings;
    private final RecordingChain chain;
    private final SessionRegistry sessions;
    private final String nodeName;
    private final Duration partialLineDelay;
    private final Clock clock;
    private final Executor recordingWrites;

    /** @param recordingWrites formats and writes the recordings, off the event loop ({@link dev.agentguard.proxy.recording.RecordingWrites}) */
    public ExecRelay(Vertx vertx, ExecUpstream upstream, Path recordings, Executor recordingWrites,
            RecordingChain chain, SessionRegistry sessions, String nodeName, Duration partialLineDelay, Clock clock) {
        this.vertx = vertx;
        this.upstream = upstream;
        this.recordings = recordings;
        this.recordingWrites = recordingWrites;
        this.chain = chain;
        this.sessions = sessions;
        this.nodeName = nodeName;
        this.partialLineDelay = partialLineDelay;
        this.clock = clock;
    }

    /**
     * @param authorize sets the upstream Authorization header
     * @param onEnd     told how the session ended (audit, metrics)
     */
    public void serve(HttpServerRequest in, SessionPlan plan, Consumer<MultiMap> authorize,
            Consumer<SessionOutcome> onEnd) {
        // Held until the upstream answers: the agent's handshake is completed (or refused) only then.
        in.pause();
        List<String> offered = ChannelProtocol.relayable(in.headers().getAll(PROTOCOL_HEADER));
        if (offered.isEmpty()) {
            in.resume();
            StatusResponses.send(in.response(), 400, "BadRequest", "agentguard relays exec and attach over the "
                    + String.join(" or ", ChannelProtocol.SUPPORTED) + " WebSocket subprotocols; the client offered "
                    + (in.headers().contains(PROTOCOL_HEADER) ? in.headers().getAll(PROTOCOL_HEADER) : "none"));
            return;
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        authorize.accept(headers);
        String userAgent = in.getHeader(HttpHeaders.USER_AGENT);
        if (userAgent != null) {
            headers.set(HttpHeaders.USER_AGENT, userAgent);
        }
        upstream.open(in.uri(), plan, offered, headers).onComplete(opened -> {
            if (opened.failed()) {
                refusedUpstream(in, opened.cause());
                return;
            }
            SessionEnd toUpstream = opened.result().end();
            vertx.executeBlocking(() -> SessionRecording.create(recordings, header(plan), clock, recordingWrites), false)
                    .onComplete(recording -> {
                        if (recording.failed()) {
                            LOG.errorf("session %s refused: cannot create its recording in %s: %s", plan.session(),
                                    recordings, recording.cause().getMessage());
                            toUpstream.close(Optional.of(new SessionEnd.CloseStatus((short) 1011,
                                    "agentguard cannot record the session")));
                            in.resume();
                            StatusResponses.send(in.response(), 503, "ServiceUnavailable", "agentguard cannot"
                                    + " record the session, so it does not start; the proxy's log says why");
                            return;
                        }
                        handshake(in, plan, opened.result().protocol(), toUpstream, recording.result(), onEnd);
                    });
        });
    }

    private void handshake(HttpServerRequest in, SessionPlan plan, String protocol, SessionEnd toUpstream,
            SessionRecording recording, Consumer<SessionOutcome> onEnd) {
        in.headers().set(PROTOCOL_HEADER, protocol);
        in.toWebSocket().onComplete(accepted -> {
            if (accepted.failed()) {
                toUpstream.close(Optional.empty());
                finish(plan, recording, new SessionOutcome(true, "the agent's WebSocket handshake failed: "
                        + accepted.cause().getMessage(), java.util.OptionalInt.empty(), 0, 0, List.of(), 0,
                        clock.instant(), clock.instant()), Future.failedFuture("no session"), onEnd);
                return;
            }
            String where = location(recording);
            // Completing the AgentSession waits for its creation, however short the session.
            Future<Void> started = vertx.executeBlocking(() -> {
                sessions.started(plan, clock.instant(), where);
                return null;
            }, false);
            started.onFailure(e -> LOG.errorf("session %s: AgentSession not created: %s", plan.session(),
                    e.getMessage()));
            ExecSession session = new ExecSession(vertx, plan, protocol,
                    new WebSocketEnd(accepted.result(), protocol, false), toUpstream, recording,
                    stdinInspector(plan), partialLineDelay, clock,
                    outcome -> finish(plan, recording, outcome, started, onEnd));
            session.start();
        });
    }

    private void finish(SessionPlan plan, SessionRecording recording, SessionOutcome outcome, Future<Void> started,
            Consumer<SessionOutcome> onEnd) {
        onEnd.accept(outcome);
        String where = location(recording);
        vertx.executeBlocking(() -> {
            CompletedRecording completed = recording.complete(outcome.reason(), outcome.terminated());
            ChainEntry chained = chain.append(plan.session(), completed);
            return chained;
        }, false).onComplete(chained -> {
            if (chained.failed()) {
                LOG.errorf("session %s: recording not completed: %s", plan.session(), chained.cause().getMessage());
            }
            started.onSuccess(created -> vertx.executeBlocking(() -> {
                sessions.completed(plan, outcome, where, chained.succeeded() ? chained.result() : null);
                return null;
            }, false).onFailure(e -> LOG.errorf("session %s: AgentSession not completed: %s", plan.session(),
                    e.getMessage())));
        });
    }

    private static StdinInspector stdinInspector(SessionPlan plan) {
        if (plan.tty()) {
            return new TtyLineTracker(plan::decideLine);
        }
        return plan.shellStdin() ? new StdinScriptChecker(plan::decideLine) : StdinInspector.DATA;
    }

    private SessionHeader header(SessionPlan plan) {
        return new SessionHeader(plan.session(), 0, 0, clock.instant(), plan.command(), plan.agentName(),
                plan.targetName(), nodeName, plan.tty());
    }

    private String location(SessionRecording recording) {
        return nodeName + ":" + recording.file();
    }

    /** The API server refused the session (RBAC, no such pod): the agent gets its answer. */
    private static void refusedUpstream(HttpServerRequest in, Throwable cause) {
        in.resume();
        if (cause instanceof ExecUpstream.Refused refused) {
            var response = in.response().setStatusCode(refused.status());
            if (refused.contentType() != null) {
                response.putHeader(HttpHeaders.CONTENT_TYPE, refused.contentType());
            }
            response.end(refused.body());
            return;
        }
        LOG.warnf("exec upstream failed: %s", cause.getMessage());
        StatusResponses.send(in.response(), 502, "BadGateway", "the agentguard proxy cannot reach the API server: "
                + cause.getMessage());
    }
}
