package dev.agentguard.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/** Written by the proxy when a RequireApproval rule matches; immutable afterwards. */
public record ApprovalRequestSpec(
        @Required @JsonPropertyDescription("The agent that made the request.") AgentRef agent,
        @Required @JsonPropertyDescription("What the agent asked for.") RequestRef request,
        @Required @JsonPropertyDescription("Policy whose rule required approval, as kind/namespace/name.") String policy,
        @Required @JsonPropertyDescription("The rule that required approval.") String rule,
        @JsonPropertyDescription("The rule's reason, shown to approvers.") String reason,
        @Required @JsonPropertyDescription("Digest identifying identical requests; an approval grants them for the policy's grant TTL.") String fingerprint,
        @JsonPropertyDescription("Seconds the request is held before it is refused.") Integer waitSeconds,
        @JsonPropertyDescription("Seconds an approval grants identical requests.") Integer grantTTLSeconds,
        // Copied from the policy like grantTTLSeconds, so the requirement cannot be loosened under a pending request.
        @JsonPropertyDescription("The policy's step-up requirement for approving, as it was when the request was made.") StepUp stepUp) {
}
