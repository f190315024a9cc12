package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** One allowed egress destination: an address range, or pods chosen by label. */
@ValidationRule(value = "has(self.cidr) != (has(self.namespaceSelector) || has(self.podSelector))",
        message = "set either cidr, or namespaceSelector and/or podSelector")
@ValidationRule(value = "!has(self.cidr) || isCIDR(self.cidr)",
        message = "cidr must be an IP prefix such as 203.0.113.0/24 or 2001:db8::/32")
@ValidationRule(value = "!has(self.except) || (has(self.cidr) && self.except.all(e, isCIDR(e)))",
        message = "except needs a cidr and must hold IP prefixes")
public record EgressRule(
        @Size(max = 64)
        @JsonPropertyDescription("Addresses, in CIDR notation (203.0.113.0/24, 2001:db8::/32).")
        String cidr,

        @Size(max = 32)
        @JsonPropertyDescription("Prefixes inside cidr that stay forbidden.")
        List<@Size(max = 64) String> except,

        @JsonPropertyDescription("Pods in the namespaces with these labels (with podSelector: only those pods). Some CNIs (Cilium) apply ipBlock to addresses outside the cluster only; reach pods with selectors.")
        LabelSelector namespaceSelector,

        @JsonPropertyDescription("Pods with these labels, in this namespace unless namespaceSelector is set.")
        LabelSelector podSelector,

        @Size(max = 16)
        @JsonPropertyDescription("Ports allowed on these destinations; empty allows every port.")
        List<EgressPort> ports) {

    public List<String> except() {
        return except == null ? List.of() : except;
    }

    public List<EgressPort> ports() {
        return ports == null ? List.of() : ports;
    }
}
