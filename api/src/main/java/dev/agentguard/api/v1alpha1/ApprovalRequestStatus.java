package dev.agentguard.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The decision. The decider is taken from the authenticated request that set it, never from this body. */
public record ApprovalRequestStatus(
        @JsonPropertyDescription("Pending, Approved, Denied or Expired.") ApprovalPhase phase,
        @JsonPropertyDescription("User who decided, from the authenticated request.") String decidedBy,
        @JsonPropertyDescription("When it was decided (RFC 3339).") String decidedAt,
        @JsonPropertyDescription("The approver's note.") String message,
        @JsonPropertyDescription("Until when identical requests are granted (RFC 3339).") String grantExpiresAt) {
}
