package dev.agentguard.console.sessions;

import java.util.List;

import dev.agentguard.api.v1alpha1.AgentSession;

/** An AgentSession as the sessions and replay pages show it. */
final class SessionRows {

    private SessionRows() {
    }

    static SessionRow row(AgentSession session) {
        var spec = session.getSpec();
        var status = session.getStatus();
        var target = spec.target();
        String command = target == null || target.command() == null ? "" : String.join(" ", target.command());
        String targetName = target == null ? "" : (target.namespace() == null ? "" : target.namespace() + "/")
                + (target.name() == null ? "" : target.name());
        return new SessionRow(session.getMetadata().getNamespace(), session.getMetadata().getName(),
                spec.agent() == null ? "" : spec.agent().namespace() + "/" + spec.agent().serviceAccount(),
                spec.agent() == null ? null : spec.agent().pod(), spec.node(), targetName, command,
                spec.startedAt() != null ? spec.startedAt() : session.getMetadata().getCreationTimestamp(),
                status == null ? "Running" : status.phase(), status == null ? null : status.durationSeconds(),
                status == null ? null : status.exitCode(),
                status == null || status.blockedCommands() == null ? List.of() : status.blockedCommands(),
                status != null && Boolean.TRUE.equals(status.incomplete()),
                status == null ? null : status.terminationReason());
    }
}
