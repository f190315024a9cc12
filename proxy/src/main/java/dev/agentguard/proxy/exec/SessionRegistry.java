package dev.agentguard.proxy.exec;

import java.time.Instant;

import dev.agentguard.proxy.recording.ChainEntry;

/** Where sessions are made visible to admins (AgentSession resources); calls may block. */
public interface SessionRegistry {

    void started(SessionPlan plan, Instant startedAt, String recording);

    /** @param chained the recording's chain entry, or null when it could not be chained */
    void completed(SessionPlan plan, SessionOutcome outcome, String recording, ChainEntry chained);
}
