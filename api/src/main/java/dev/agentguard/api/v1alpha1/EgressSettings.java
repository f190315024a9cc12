package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Where the agent pods of a namespace may connect. NetworkPolicies only ever add
 * allowed destinations, so this is a property of the whole namespace, not of the
 * pods one policy selects.
 */
public record EgressSettings(
        @Required @Size(min = 1, max = 64)
        @JsonPropertyDescription("Destinations the pods of this namespace may reach. Once any Enforce AgentPolicy of the namespace has an allow-list, the namespace's agentguard-egress NetworkPolicy allows only DNS, the node proxy and the union of these lists, instead of everything but the API server. The API server's own addresses stay excepted from every entry.")
        List<EgressRule> allow) {

    public List<EgressRule> allow() {
        return allow == null ? List.of() : allow;
    }
}
