package dev.agentguard.kubectl.approvals;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.kubectl.ClusterOptions;
import dev.agentguard.kubectl.ExitCodes;
import dev.agentguard.kubectl.Failure;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Approve or deny: a merge patch of the request's status subresource as the caller. Only the
 * phase and the caller's message are sent; the approvals webhook records who decided from the
 * authenticated request and refuses callers who may not decide this request.
 */
abstract class DecideCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

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
            var resource = client.resources(ApprovalRequest.class).inNamespace(cluster.systemNamespace()).withName(name);
            ApprovalRequest request = resource.get();
            if (request == null) {
                throw Failure.of("approvalrequest " + name + " not found in " + cluster.systemNamespace());
            }
            ApprovalPhase current = ApprovalRows.phase(request);
            if (current != ApprovalPhase.Pending) {
                String by = request.getStatus().decidedBy() == null ? "" : " by " + request.getStatus().decidedBy();
                throw Failure.of("approvalrequest " + name + " is already " + current + by + "; a decision is final");
            }
            ObjectNode status = JSON.createObjectNode();
            status.putObject("status").put("phase", phase().name()).put("message", message);
            resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), status.toString());
            spec.commandLine().getOut().println("approvalrequest/" + name + " " + phase().name().toLowerCase());
        }
        return ExitCodes.OK;
    }
}
