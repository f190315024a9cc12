package dev.agentguard.console.approvals;

import java.util.List;

/**
 * One ApprovalRequest as the approvals page shows it. Every string here may come from the
 * agent (its command, the names it asked for), so templates render them escaped, never raw.
 *
 * @param commands  for exec, the command as the policy engine split it, one program and its
 *                  arguments per entry; empty for API requests
 * @param deadline  when the hold ends (epoch milliseconds), for the page's countdown
 * @param stepUp    the fresh or stronger login approving needs (the request's spec.stepUp), or null
 * @param stepUpGap why the viewer's current login does not meet it, as the approvals webhook
 *                  would say; null when it does (the webhook still checks: this only warns)
 */
public record ApprovalRow(String name, String phase, String agentNamespace, String serviceAccount, String pod,
        String node, String verb, String resource, String target, String path, List<List<String>> commands,
        boolean opaqueScript, String policy, String rule, String reason, String created, String heldFor,
        String timeLeft, long deadline, String decidedBy, String decidedAt, String message, String stepUp,
        String stepUpGap) {

    public boolean pending() {
        return "Pending".equals(phase);
    }
}
