package dev.agentguard.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** A PolicySpec for agents in every namespace the selector matches. */
@ValidationRule(value = "!has(self.egress)",
        message = "egress is set per namespace, in an AgentPolicy")
public class ClusterPolicySpec extends PolicySpec {

    @JsonPropertyDescription("Namespaces whose agents the policy applies to, by label; empty selects every opted-in namespace.")
    private LabelSelector namespaceSelector;

    public LabelSelector getNamespaceSelector() {
        return namespaceSelector;
    }

    public void setNamespaceSelector(LabelSelector namespaceSelector) {
        this.namespaceSelector = namespaceSelector;
    }
}
