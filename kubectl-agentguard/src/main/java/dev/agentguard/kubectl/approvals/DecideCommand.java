package dev.agentguard.kubectl.approvals;

import java.util.concurrent.Callable;

import dev.agentguard.api.approval.ApprovalDecisions;
import dev.agentguard.api.approval.ApprovalDecisions.DecisionException;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.kubectl.ClusterOptions;
import dev.agentguard.kubectl.ExitCodes;
import dev.agentguard.kubectl.Failure;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Approve or deny as the caller (see {@link ApprovalDecisions}): the approvals webhook records
 * who decided from the authenticated request and refuses callers who may not decide it.
 */
abstract class DecideCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "NAME", description = "The ApprovalRequest (kubectl agentguard approvals).")
    String name;

    @Option(names = {"-m", "--message"}, paramLabel = "MESSAGE", description = "Why; shown with the decision.")
    String message;

    @Spec
    CommandSpec spec;

    abstract ApprovalPhase phase();

    @Override
    public Integer call() {
        try (KubernetesClient client = cluster.client()) {
            ApprovalDecisions.decide(client, cluster.systemNamespace(), name, phase(), message);
            spec.commandLine().getOut().println("approvalrequest/" + name + " " + phase().name().toLowerCase(java.util.Locale.ROOT));
        } catch (DecisionException e) {
            throw Failure.of(e.getMessage());
        }
        return ExitCodes.OK;
    }
}
