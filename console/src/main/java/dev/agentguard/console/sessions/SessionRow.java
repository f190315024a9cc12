package dev.agentguard.console.sessions;

import java.util.List;

/** One AgentSession on the sessions page; agent-controlled strings are rendered escaped. */
public record SessionRow(String namespace, String name, String agent, String pod, String node, String target,
        String command, String startedAt, String phase, Long durationSeconds, Integer exitCode,
        List<String> blockedCommands, boolean incomplete, String terminationReason) {
}
