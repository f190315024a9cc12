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
        StringBuilder message = new StringBuilder();
        message.append(request.resourceWithSubresource());
        if (!request.name().isEmpty()) {
            message.append(" \"").append(request.name()).append('"');
        }
        message.append(" is forbidden: agentguard ").append(match.policy()).append(" rule ").append(match.rule())
                .append(" denies ").append(request.verb());
        if (!request.namespace().isEmpty()) {
            message.append(" in namespace \"").append(request.namespace()).append('"');
        }
        if (!match.reason().isEmpty()) {
            message.append(": ").append(match.reason());
        }
        return message.toString();
    }

    static String forbiddenCommand(RequestAttributes request, Decision.Match match, String command) {
        return forbidden(request, match).replace(" denies " + request.verb(), " denies command \"" + command + "\"");
    }

    static String notApproved(RequestAttributes request, Decision.Match match, String explanation) {
        String held = forbidden(request, match).replace(" denies ", " requires approval for ");
        int reason = match.reason().isEmpty() ? -1 : held.lastIndexOf(": " + match.reason());
        return (reason < 0 ? held : held.substring(0, reason)) + "; " + explanation;
    }
}
