package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What an agent asked for: API request attributes, and for exec the command. */
public record RequestRef(
        @JsonPropertyDescription("Kubernetes verb.") String verb,
        @JsonPropertyDescription("API group; \"\" is core.") String apiGroup,
        @JsonPropertyDescription("Resource.") String resource,
        @JsonPropertyDescription("Subresource, e.g. exec.") String subresource,
        @JsonPropertyDescription("Namespace of the target.") String namespace,
        @JsonPropertyDescription("Name of the target.") String name,
        @JsonPropertyDescription("Request path.") String path,
        @JsonPropertyDescription("For exec and attach: the command, one argument per item.") List<String> command) {
}
