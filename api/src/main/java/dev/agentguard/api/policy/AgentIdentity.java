package dev.agentguard.api.policy;

import java.util.Map;

/**
 * The agent behind a request, as the proxy authenticated it: the pod's
 * namespace and ServiceAccount from TokenReview, its name and labels, and the
 * labels of its namespace (for ClusterAgentPolicy namespace selectors).
 */
public record AgentIdentity(String namespace, String serviceAccount, String podName,
        Map<String, String> podLabels, Map<String, String> namespaceLabels) {

    public AgentIdentity {
        podLabels = podLabels == null ? Map.of() : Map.copyOf(podLabels);
        namespaceLabels = namespaceLabels == null ? Map.of() : Map.copyOf(namespaceLabels);
    }

    /** {@code system:serviceaccount:<namespace>:<name>}, the user the API server sees. */
    public String userName() {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }
}
