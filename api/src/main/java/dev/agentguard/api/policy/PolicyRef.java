package dev.agentguard.api.policy;

/** Identifies a policy in decisions and audit events: {@code AgentPolicy/ns/name} or {@code ClusterAgentPolicy/name}. */
public record PolicyRef(String kind, String namespace, String name) {

    /** The built-in rules every proxy applies. */
    public static final PolicyRef BUILT_IN = new PolicyRef("BuiltIn", "", "agentguard");

    @Override
    public String toString() {
        return namespace == null || namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
    }
}
