package dev.agentguard.console.approvals;

import java.util.List;

/**
 * One ApprovalRequest as the approvals page shows it. Every string here may come from the
 * agent (its command, the names it asked for), so templates render them escaped, never raw.
 *
 * @param commands  for exec, the command as the policy engine split it, one program and its
 *                  arguments per entry; empty for API requests
 * @param deadline  when the hold ends (epoch milliseconds), for the page's countdown
 */
public record ApprovalRow(String name, String phase, String agentNamespace, String serviceAccount, String pod,
        String node, String verb, String resource, String target, String path, List<List<String>> commands,
        boolean opaqueScript, String policy, String rule, String reason, String created, String heldFor,
        String timeLeft, long deadline, String decidedBy, String decidedAt, String message) {

    public boolean pending() {
        return "Pending".equals(phase);
    }
}
