package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.LabelSelector;

/** Which agent pods a policy applies to. Both conditions must hold; an empty selector selects every agent. */
public record AgentSelector(
        @JsonPropertyDescription("Labels of the agent pod.")
        LabelSelector podSelector,

        @JsonPropertyDescription("ServiceAccount names of the agent pod; empty matches any.")
        List<String> serviceAccounts) {

    public List<String> serviceAccounts() {
        return serviceAccounts == null ? List.of() : serviceAccounts;
    }
}
