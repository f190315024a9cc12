package dev.agentguard.api.v1alpha1;

/** Enforce applies decisions; Audit records what would have happened and lets the request through. */
public enum Mode {
    Enforce,
    Audit
}
