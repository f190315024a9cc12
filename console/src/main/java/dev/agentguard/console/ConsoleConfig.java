package dev.agentguard.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The console's settings (prefix {@code agentguard.console}); the chart sets them from its values. */
@ConfigMapping(prefix = "agentguard.console")
public interface ConsoleConfig {

    /** Where agentguard runs: the ApprovalRequests wait here. */
    @WithDefault("agentguard-system")
    String systemNamespace();

    /** At most this many AgentSessions are listed on a page, newest first. */
    @WithDefault("200")
    int sessionLimit();
}
