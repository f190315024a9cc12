package dev.agentguard.operator.notification;

import java.util.ArrayList;
import java.util.List;

/**
 * A Slack-compatible incoming-webhook message for a new request. Everything in it but the console
 * link comes from the agent or from policy authors, so it is escaped for Slack's mrkdwn: an agent
 * that names a pod {@code <!channel>} or runs {@code <https://evil|Approve here>} gets text, not a
 * mention or a link.
 */
public record SlackMessage(String text) {

    static SlackMessage of(NotificationPayload p) {
        List<String> lines = new ArrayList<>();
        NotificationPayload.Agent agent = p.agent();
        NotificationPayload.Request request = p.request();
        String who = agent == null ? "an agent"
                : "agent " + code(agent.namespace() + "/" + (agent.pod() == null ? "?" : agent.pod()))
                        + " (service account " + code(agent.serviceAccount()) + ")";
        lines.add(":raised_hand: *Approval needed*: " + who + " wants to " + describe(request));
        if (request != null && request.command() != null && !request.command().isEmpty()) {
            lines.add("Command: " + code(String.join(" ", request.command())));
        }
        if (p.reason() != null && !p.reason().isBlank()) {
            lines.add("Reason: " + escape(p.reason()));
        }
        lines.add("Policy: " + code(p.policy()) + ", rule " + code(p.rule()));
        lines.add("Refused unless decided by " + escape(p.expiresAt()) + " (request " + code(p.approvalRequest().name())
                + ")");
        if (p.consoleUrl() != null) {
            lines.add("<" + p.consoleUrl() + "|Open in the console>");
        }
        return new SlackMessage(String.join("\n", lines));
    }

    private static String describe(NotificationPayload.Request r) {
        if (r == null) {
            return "make a request";
        }
        String resource = (r.apiGroup() == null || r.apiGroup().isEmpty() ? "" : r.apiGroup() + "/")
                + nonNull(r.resource()) + (r.subresource() == null || r.subresource().isEmpty() ? "" : "/" + r.subresource());
        String target = (r.namespace() == null || r.namespace().isEmpty() ? "" : r.namespace() + "/")
                + nonNull(r.name());
        return code(nonNull(r.verb())) + " " + code(resource) + (target.isEmpty() ? "" : " " + code(target));
    }

    private static String code(String text) {
        // A backtick would end the code span early; the rest of the text must still be escaped.
        return "`" + escape(nonNull(text)).replace('`', '\'') + "`";
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    /** Slack's three control characters in mrkdwn: {@code &}, {@code <} and {@code >}. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
