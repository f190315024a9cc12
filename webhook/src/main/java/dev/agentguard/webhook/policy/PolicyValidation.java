package dev.agentguard.webhook.policy;

import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.PolicyCompileException;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Refuses AgentPolicies and ClusterAgentPolicies that do not compile, with the compiler's
 * field path and reason, so {@code kubectl apply} prints what is wrong instead of the
 * operator discovering it later. Deletes are always allowed.
 */
public final class PolicyValidation {

    private final KubernetesSerialization serialization;

    public PolicyValidation(KubernetesSerialization serialization) {
        this.serialization = serialization;
    }

    public AdmissionResponse review(AdmissionRequest request) {
        String operation = request.getOperation();
        if (!"CREATE".equals(operation) && !"UPDATE".equals(operation)) {
            return Reviews.allow(request);
        }
        String kind = request.getKind() == null ? null : request.getKind().getKind();
        String name = request.getName();
        try {
            if ("AgentPolicy".equals(kind)) {
                AgentPolicy policy = serialization.convertValue(request.getObject(), AgentPolicy.class);
                name = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
                CompiledPolicy.compile(policy);
            } else if ("ClusterAgentPolicy".equals(kind)) {
                ClusterAgentPolicy policy = serialization.convertValue(request.getObject(), ClusterAgentPolicy.class);
                name = policy.getMetadata().getName();
                CompiledPolicy.compile(policy);
            } else {
                return Reviews.refuse(request, "agentguard validates AgentPolicy and ClusterAgentPolicy only, got "
                        + kind);
            }
            return Reviews.allow(request);
        } catch (PolicyCompileException e) {
            return Reviews.refuse(request, "agentguard refused " + kind + " " + name + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return Reviews.refuse(request, "agentguard refused " + kind + " " + name + ": cannot read it: "
                    + firstLine(e));
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
