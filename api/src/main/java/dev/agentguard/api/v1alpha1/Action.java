package dev.agentguard.api.v1alpha1;

/**
 * What a rule does with the requests it matches. Declared weakest first: the
 * engine compares actions by this order, so Deny beats RequireApproval beats Allow.
 */
public enum Action {
    Allow,
    RequireApproval,
    Deny
}
