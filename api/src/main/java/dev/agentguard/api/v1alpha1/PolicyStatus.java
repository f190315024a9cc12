package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/** Written by the operator. */
public class PolicyStatus {

    @JsonPropertyDescription("The generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready: the policy is valid and enforced by the proxies.")
    private List<Condition> conditions;

    @JsonPropertyDescription("Proxies running the bundle that contains this generation, of all proxies, e.g. 2/2.")
    private String proxies;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getProxies() {
        return proxies;
    }

    public void setProxies(String proxies) {
        this.proxies = proxies;
    }
}
