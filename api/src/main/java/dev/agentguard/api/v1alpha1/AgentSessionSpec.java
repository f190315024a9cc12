package dev.agentguard.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/** One exec or attach session, written by the proxy when it starts. */
public record AgentSessionSpec(
        @Required @JsonPropertyDescription("The agent that opened the session.") AgentRef agent,
        @Required @JsonPropertyDescription("The exec/attach request, with its command.") RequestRef target,
        @JsonPropertyDescription("Container in the target pod.") String container,
        @JsonPropertyDescription("Whether a TTY was requested.") Boolean tty,
        @JsonPropertyDescription("Node whose proxy relayed and recorded the session.") String node,
        @JsonPropertyDescription("When the session started (RFC 3339).") String startedAt) {
}
