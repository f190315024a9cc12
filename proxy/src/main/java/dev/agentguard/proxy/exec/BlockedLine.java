package dev.agentguard.proxy.exec;

import dev.agentguard.api.policy.ExecPolicy;

/**
 * A line the proxy refused, and why.
 *
 * @param line     the text of the line as the shell would have got it (several physical lines when they
 *                 were joined because the first continued)
 * @param decision the decision that refused it
 */
public record BlockedLine(String line, ExecPolicy.ExecDecision decision) {

    /** The simple command that decided, e.g. {@code pg_dump db}; the line itself when no single command did. */
    public String command() {
        return decision.command().map(c -> String.join(" ", c.argv())).orElse(line);
    }
}
