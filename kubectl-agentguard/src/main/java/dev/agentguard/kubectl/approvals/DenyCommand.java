package dev.agentguard.kubectl.approvals;

import dev.agentguard.api.v1alpha1.ApprovalPhase;
import picocli.CommandLine.Command;

@Command(name = "deny", description = "Deny a held request as yourself: the agent's call is refused with your message.")
public final class DenyCommand extends DecideCommand {

    @Override
    ApprovalPhase phase() {
        return ApprovalPhase.Denied;
    }
}
