package dev.agentguard.kubectl.approvals;

import dev.agentguard.api.v1alpha1.ApprovalPhase;
import picocli.CommandLine.Command;

@Command(name = "approve", description = "Approve a held request as yourself: the agent's call proceeds.")
public final class ApproveCommand extends DecideCommand {

    @Override
    ApprovalPhase phase() {
        return ApprovalPhase.Approved;
    }
}
