package dev.agentguard.proxy.exec;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.policy.Decision;
import dev.agentguard.proxy.recording.SessionRecording;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * One exec or attach session, relayed message by message between the agent's
 * WebSocket and the API server's side (WebSocket or SPDY), on one event loop. Stdin is inspected before
 * it is forwarded; stdout and stderr are masked, counted against the output
 * budget and recorded as the agent receives them; the exit Status is passed on
 * unchanged. Pings are passed on where the other side's transport has them, so
 * either end's keepalive reaches the other; close codes and reasons are relayed.
 */
final class ExecSession {

    private static final Logger LOG = Logger.getLogger(ExecSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CRLF = {'\r', '\n'};

    private final Vertx vertx;
    private final SessionPlan plan;
    private final String protocol;
    private final SessionEnd agent;
    private final SessionEnd upstream;
    private final SessionRecording recording;
    private final StdinInspector stdin;
    private final OutputMasker masker;
    /** Terminal sessions only: the typed keys whose echo is sent without the partial-line delay. */
    private final TypedEcho echo;
    private final Duration partialLineDelay;
    private final Clock clock;
    private final Consumer<SessionOutcome> onEnd;

    private final Instant startedAt;
    private final List<String> blocked = new ArrayList<>();
    private long bytesIn;
    private long bytesOut;
    private boolean stdinClosed;
    private OptionalInt exitCode = OptionalInt.empty();
    private long flushTimer = -1;
    private long recordingTimer = -1;
    private String terminatedBecause;
    private boolean ended;
    /** The session's event loop, where the recording's drain handler resumes the sides it held. */
    private Context context;
    private boolean agentHeldForRecording;
    private boolean upstreamHeldForRecording;

    ExecSession(Vertx vertx, SessionPlan plan, String protocol, SessionEnd agent, SessionEnd upstream,
            SessionRecording recording, StdinInspector stdin, Duration partialLineDelay, Clock clock,
            Consumer<SessionOutcome> onEnd) {
        this.vertx = vertx;
        this.plan = plan;
        this.protocol = protocol;
        this.agent = agent;
        this.upstream = upstream;
        this.recording = recording;
        this.stdin = stdin;
        this.masker = new OutputMasker(plan.patterns());
        this.echo = plan.tty() ? new TypedEcho() : null;
        this.partialLineDelay = partialLineDelay;
        this.clock = clock;
        this.onEnd = onEnd;
        this.startedAt = clock.instant();
    }

    void start() {
        context = vertx.getOrCreateContext();
        agent.start((channel, payload) -> {
            if (!ended) {
                fromAgent(channel, payload);
            }
        }, upstream::ping, () -> {
            upstream.close(agent.closeStatus());
            end(null);
        }, why -> terminate("the agent " + why));
        // The recording is written as it goes, off this loop; a write that failed ends the session.
        recordingTimer = vertx.setPeriodic(1000, id -> flushRecording());
        upstream.start((channel, payload) -> {
            if (!ended) {
                fromUpstream(channel, payload);
            }
        }, agent::ping, () -> {
            flushOutput(ChannelProtocol.STDOUT);
            flushOutput(ChannelProtocol.STDERR);
            agent.close(upstream.closeStatus());
            end(null);
        }, why -> terminate("the API server " + why));
    }

    private void fromAgent(int channel, byte[] payload) {
        switch (channel) {
            case ChannelProtocol.STDIN -> {
                if (stdinClosed) {
                    return;
                }
                bytesIn += payload.length;
                recording.input(payload);
                InputVerdict verdict = stdin.feed(payload);
                send(upstream, ChannelProtocol.STDIN, verdict.forward());
                if (echo != null) {
                    echo.typed(verdict.forward());
                }
                verdict.blocked().ifPresent(this::refused);
            }
            case ChannelProtocol.RESIZE -> {
                resized(payload);
                send(upstream, channel, payload);
            }
            case ChannelProtocol.CLOSE -> {
                if (payload.length > 0 && payload[0] == ChannelProtocol.STDIN && !stdinClosed) {
                    InputVerdict rest = stdin.end();
                    send(upstream, ChannelProtocol.STDIN, rest.forward());
                    rest.blocked().ifPresent(this::refused);
                    if (stdinClosed) {
                        return; // refused() already closed it
                    }
                    stdinClosed = true;
                }
                send(upstream, channel, payload);
            }
            default -> send(upstream, channel, payload);
        }
        pauseWhileFull(upstream, agent);
        holdWhileRecordingBehind(agent);
    }

    private void fromUpstream(int channel, byte[] payload) {
        switch (channel) {
            case ChannelProtocol.STDOUT, ChannelProtocol.STDERR -> {
                boolean typedEcho = echo != null && channel == ChannelProtocol.STDOUT && echo.echoes(payload);
                output(channel, masker.feed(channel, payload));
                if (typedEcho) {
                    // The agent's own keys coming back: no reason to wait for the rest of the line.
                    flushOutput(channel);
                } else if (masker.holdsPartialLine(channel)) {
                    schedulePartialLineFlush();
                }
            }
            case ChannelProtocol.ERROR -> {
                // Output before the exit status reaches the agent first, whole.
                flushOutput(ChannelProtocol.STDOUT);
                flushOutput(ChannelProtocol.STDERR);
                exitCode = ExecStatus.exitCode(payload);
                send(agent, channel, payload);
            }
            default -> send(agent, channel, payload);
        }
        pauseWhileFull(agent, upstream);
        holdWhileRecordingBehind(upstream);
    }

    /** Sends masked output to the agent, within the session's budget. */
    private void output(int channel, byte[] data) {
        if (data.length == 0 || terminatedBecause != null) {
            return;
        }
        long budget = plan.outputBudget().orElse(Long.MAX_VALUE);
        if (bytesOut + data.length > budget) {
            byte[] allowed = Arrays.copyOf(data, (int) (budget - bytesOut));
            bytesOut += allowed.length;
            send(agent, channel, allowed);
            recording.output(allowed);
            terminate("output budget of " + budget + " bytes exceeded");
            return;
        }
        bytesOut += data.length;
        send(agent, channel, data);
        recording.output(data);
    }

    private void schedulePartialLineFlush() {
        if (flushTimer >= 0) {
            return;
        }
        flushTimer = vertx.setTimer(Math.max(1, partialLineDelay.toMillis()), id -> {
            flushTimer = -1;
            flushOutput(ChannelProtocol.STDOUT);
            flushOutput(ChannelProtocol.STDERR);
        });
    }

    private void flushOutput(int channel) {
        if (masker.holdsPartialLine(channel)) {
            output(channel, masker.flush(channel));
        }
    }

    /** A line on stdin was refused: the agent is told, and the line never reaches the container. */
    private void refused(BlockedLine line) {
        Decision.Match match = line.decision().decision().match().orElseThrow();
        blocked.add(line.command());
        String notice = "agentguard: blocked \"" + line.command() + "\": " + match.policy() + " rule " + match.rule()
                + (match.reason() == null || match.reason().isBlank() ? "" : " (" + match.reason() + ")");
        recording.marker(notice);
        LOG.infof("session %s: blocked stdin line of %s: rule %s of %s", plan.session(), plan.agentName(),
                match.rule(), match.policy());
        if (plan.tty()) {
            // The shell got Ctrl-C instead of Enter; the notice appears in the terminal.
            byte[] text = (notice).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] framed = new byte[text.length + 4];
            System.arraycopy(CRLF, 0, framed, 0, 2);
            System.arraycopy(text, 0, framed, 2, text.length);
            System.arraycopy(CRLF, 0, framed, text.length + 2, 2);
            send(agent, ChannelProtocol.STDOUT, framed);
            return;
        }
        send(agent, ChannelProtocol.STDERR, (notice + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // A script stops at the refused line: the shell sees the end of its input and exits.
        stdinClosed = true;
        if (ChannelProtocol.hasCloseChannel(protocol)) {
            send(upstream, ChannelProtocol.CLOSE, new byte[] {ChannelProtocol.STDIN});
        } else {
            terminate("stdin stopped at a blocked line, and " + protocol + " cannot close stdin alone");
        }
    }

    private void resized(byte[] payload) {
        try {
            JsonNode size = JSON.readTree(payload);
            recording.resize(size.path("Width").asInt(), size.path("Height").asInt());
        } catch (IOException e) {
            LOG.debugf("session %s: unreadable resize message", plan.session());
        }
    }

    /** The proxy ends the session: the agent gets a Status saying why, both connections close. */
    private void terminate(String reason) {
        if (terminatedBecause != null || ended) {
            return;
        }
        terminatedBecause = reason;
        LOG.infof("session %s of %s ended by agentguard: %s", plan.session(), plan.agentName(), reason);
        recording.marker("agentguard: session ended: " + reason);
        send(agent, ChannelProtocol.ERROR, ExecStatus.failure("agentguard ended the session: " + reason));
        SessionEnd.CloseStatus normal = new SessionEnd.CloseStatus((short) 1000, null);
        agent.close(Optional.of(normal));
        upstream.close(Optional.of(normal));
        end(reason);
    }

    private void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        vertx.cancelTimer(recordingTimer);
        if (flushTimer >= 0) {
            vertx.cancelTimer(flushTimer);
        }
        String why = terminatedBecause != null ? terminatedBecause : reason;
        onEnd.accept(new SessionOutcome(why != null, why == null ? ended() : why, exitCode, bytesIn, bytesOut,
                List.copyOf(blocked), masker.masked(), startedAt, clock.instant()));
    }

    private String ended() {
        return exitCode.isPresent() ? "exited with code " + exitCode.getAsInt() : "connection closed";
    }

    private void flushRecording() {
        try {
            recording.flush();
        } catch (IOException e) {
            terminate("the session cannot be recorded: " + e.getMessage());
        }
    }

    private static void send(SessionEnd to, int channel, byte[] payload) {
        if (payload.length == 0 && channel == ChannelProtocol.STDIN) {
            return;
        }
        to.send(channel, payload);
    }

    /**
     * Back-pressure from the recording: while its writer is behind, the side that fed it
     * waits, so a disk slower than the session bounds memory rather than filling it.
     */
    private void holdWhileRecordingBehind(SessionEnd from) {
        if (!recording.writeQueueFull()) {
            return;
        }
        from.pause();
        if (from == agent) {
            agentHeldForRecording = true;
        } else {
            upstreamHeldForRecording = true;
        }
        recording.drainHandler(() -> context.runOnContext(v -> recordingCaughtUp()));
    }

    private void recordingCaughtUp() {
        if (agentHeldForRecording) {
            agentHeldForRecording = false;
            agent.resume();
        }
        if (upstreamHeldForRecording) {
            upstreamHeldForRecording = false;
            upstream.resume();
        }
    }

    /** Back-pressure: a slow reader pauses the other side rather than filling memory. */
    private static void pauseWhileFull(SessionEnd to, SessionEnd from) {
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(from::resume);
        }
    }
}
