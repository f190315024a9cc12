package dev.agentguard.operator.session;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How many AgentSession records are kept. */
@ConfigMapping(prefix = "agentguard.operator.sessions")
public interface SessionsConfig {

    /** Sessions older than this (by creation) are deleted. */
    @WithDefault("30d")
    Duration maxAge();

    /** At most this many sessions are kept per namespace; the oldest beyond it are deleted. */
    @WithDefault("10000")
    int maxCount();
}
