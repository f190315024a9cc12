package dev.agentguard.proxy.pipeline;

import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.request.RequestAttributes;

/**
 * Messages for refused requests, phrased like the API server's own so that
 * kubectl prints a useful {@code Error from server (Forbidden): ...} line
 * naming the policy and rule.
 */
final class Denials {

    private Denials() {
    }

    static String forbidden(RequestAttributes request, Decision.Match match) {
        return message(request, match, "denies " + request.verb()) + reason(match);
    }

    static String forbiddenCommand(RequestAttributes request, Decision.Match match, String command) {
        return message(request, match, "denies command \"" + command + "\"") + reason(match);
    }

    static String notApproved(RequestAttributes request, Decision.Match match, String explanation) {
        return message(request, match, "requires approval for " + request.verb()) + "; " + explanation;
    }

    /** {@code <resource> "<name>" is forbidden: agentguard <policy> rule <rule> <what> in namespace "<ns>"}. */
    private static String message(RequestAttributes request, Decision.Match match, String what) {
        StringBuilder message = new StringBuilder(request.resourceWithSubresource());
        if (!request.name().isEmpty()) {
            message.append(" \"").append(request.name()).append('"');
        }
        message.append(" is forbidden: agentguard ").append(match.policy()).append(" rule ").append(match.rule())
                .append(' ').append(what);
        if (!request.namespace().isEmpty()) {
            message.append(" in namespace \"").append(request.namespace()).append('"');
        }
        return message.toString();
    }

    private static String reason(Decision.Match match) {
        return match.reason().isEmpty() ? "" : ": " + match.reason();
    }
}
