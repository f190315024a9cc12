package dev.agentguard.console.sessions;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import dev.agentguard.api.v1alpha1.AgentSession;

/**
 * The sessions page's filters, from its query string. Blank means "any".
 *
 * @param namespace the agent's namespace
 * @param agent     part of the agent's {@code namespace/serviceaccount}
 * @param since     a duration back from now: {@code 30m}, {@code 24h}, {@code 7d}
 * @param text      text the recorded output contains
 */
public record SessionFilter(String namespace, String agent, boolean blocked, boolean incomplete, String since,
        String text) {

    boolean searches() {
        return text != null && !text.isBlank();
    }

    /** The earliest start shown, or null for any; a since that does not parse is an error. */
    Instant earliest(Instant now) {
        if (since == null || since.isBlank()) {
            return null;
        }
        String value = since.strip();
        try {
            if (value.endsWith("d")) {
                return now.minus(Duration.ofDays(Long.parseLong(value.substring(0, value.length() - 1))));
            }
            return now.minus(Duration.parse("PT" + value.toUpperCase(java.util.Locale.ROOT)));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("since: '" + value + "' is not a duration like 30m, 24h or 7d");
        }
    }

    boolean matches(AgentSession session, Instant earliest) {
        var spec = session.getSpec();
        var status = session.getStatus();
        String agentName = spec.agent() == null ? "" : spec.agent().namespace() + "/" + spec.agent().serviceAccount();
        if (namespace != null && !namespace.isBlank()
                && (spec.agent() == null || !namespace.strip().equals(spec.agent().namespace()))) {
            return false;
        }
        if (agent != null && !agent.isBlank() && !agentName.contains(agent.strip())) {
            return false;
        }
        if (blocked && (status == null || status.blockedCommands() == null || status.blockedCommands().isEmpty())) {
            return false;
        }
        if (incomplete && (status == null || !Boolean.TRUE.equals(status.incomplete()))) {
            return false;
        }
        if (earliest != null) {
            String started = spec.startedAt() != null ? spec.startedAt() : session.getMetadata().getCreationTimestamp();
            return started != null && !Instant.parse(started).isBefore(earliest);
        }
        return true;
    }
}
