package dev.agentguard.api.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * A human's decision on an ApprovalRequest, as the kubectl plugin and the console both make
 * it: a merge patch of the status subresource with the client of the human who decides. Only
 * the phase and their message are sent; the approvals webhook records who decided from the
 * authenticated request and refuses those who may not decide this request.
 */
public final class ApprovalDecisions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApprovalDecisions() {
    }

    /**
     * @throws DecisionException when the request does not exist or is already decided; the API
     *                           server's own refusals (RBAC, the webhook) come as
     *                           {@link io.fabric8.kubernetes.client.KubernetesClientException}
     */
    public static void decide(KubernetesClient client, String namespace, String name, ApprovalPhase phase,
            String message) {
        if (phase != ApprovalPhase.Approved && phase != ApprovalPhase.Denied) {
            throw new IllegalArgumentException("a human decides Approved or Denied, not " + phase);
        }
        var resource = client.resources(ApprovalRequest.class).inNamespace(namespace).withName(name);
        ApprovalRequest request = resource.get();
        if (request == null) {
            throw new DecisionException("approvalrequest " + name + " not found in " + namespace);
        }
        ApprovalPhase current = phase(request);
        if (current != ApprovalPhase.Pending) {
            String by = request.getStatus().decidedBy() == null ? "" : " by " + request.getStatus().decidedBy();
            throw new DecisionException("approvalrequest " + name + " is already " + current + by + "; a decision is final");
        }
        ObjectNode status = JSON.createObjectNode();
        status.putObject("status").put("phase", phase.name()).put("message", message);
        resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), status.toString());
    }

    /** Pending until the status says otherwise. */
    public static ApprovalPhase phase(ApprovalRequest request) {
        return request.getStatus() == null || request.getStatus().phase() == null
                ? ApprovalPhase.Pending : request.getStatus().phase();
    }

    /** The request cannot be decided: it is gone, or already decided. One line for a human. */
    public static final class DecisionException extends RuntimeException {
        public DecisionException(String message) {
            super(message);
        }
    }
}
