package dev.agentguard.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/** The agent pod behind a request, as the proxy authenticated it (TokenReview), never as the agent claimed. */
public record AgentRef(
        @Required @JsonPropertyDescription("Namespace of the agent pod.") String namespace,
        @Required @JsonPropertyDescription("ServiceAccount of the agent pod.") String serviceAccount,
        @JsonPropertyDescription("Name of the agent pod.") String pod,
        @JsonPropertyDescription("UID of the agent pod.") String podUid,
        @JsonPropertyDescription("Node the agent pod runs on.") String node) {
}
