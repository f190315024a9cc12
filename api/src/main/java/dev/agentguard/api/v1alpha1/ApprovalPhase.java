package dev.agentguard.api.v1alpha1;

/** Pending until decided; Expired when nobody decided within the policy's wait (plus grace). */
public enum ApprovalPhase {
    Pending,
    Approved,
    Denied,
    Expired
}
