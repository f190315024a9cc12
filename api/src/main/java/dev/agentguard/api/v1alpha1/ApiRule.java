package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One rule: which API requests it matches and what happens to them. */
public record ApiRule(
        @Required @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") @Size(max = 63)
        @JsonPropertyDescription("Name of the rule, unique within the policy; shown in denials, approvals and audit events.")
        String name,

        @Required
        @JsonPropertyDescription("What to do with a matching request: Allow, Deny or RequireApproval (hold it until a human approves).")
        Action action,

        @JsonPropertyDescription("Kubernetes verbs (get, list, watch, create, update, patch, delete, deletecollection); '*' or empty matches all.")
        List<String> verbs,

        @JsonPropertyDescription("API groups; \"\" is the core group, '*' or empty matches all.")
        List<String> apiGroups,

        @JsonPropertyDescription("Resources, optionally with subresource (pods/exec, secrets, '*', 'pods/*'); empty matches all.")
        List<String> resources,

        @JsonPropertyDescription("Namespaces of the target object; globs with '*'; empty matches all (and cluster-scoped).")
        List<String> namespaces,

        @JsonPropertyDescription("Object names; globs with '*' (e.g. 'db-*'); empty matches all.")
        List<String> names,

        @JsonPropertyDescription("Why the rule exists; shown to the agent in a denial and to approvers in an approval request.")
        String reason) {

    public List<String> verbs() {
        return verbs == null ? List.of() : verbs;
    }

    public List<String> apiGroups() {
        return apiGroups == null ? List.of() : apiGroups;
    }

    public List<String> resources() {
        return resources == null ? List.of() : resources;
    }

    public List<String> namespaces() {
        return namespaces == null ? List.of() : namespaces;
    }

    public List<String> names() {
        return names == null ? List.of() : names;
    }
}
