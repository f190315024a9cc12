package dev.agentguard.api;

/**
 * Names every agentguard component agrees on. Kept in one place because the
 * webhook, proxy and operator must never disagree about them: a mismatch in the
 * opt-in label silently disables the guard.
 */
public final class AgentGuard {

    /** API group of the agentguard CRDs. */
    public static final String GROUP = "agentguard.dev";

    /** Served version of the agentguard CRDs. */
    public static final String VERSION = "v1alpha1";

    /**
     * Default namespace of the control plane (agents have no access to it). Not fixed: each
     * component reads its own from {@code agentguard.<component>.system-namespace}, which the
     * chart sets to the release namespace.
     */
    public static final String DEFAULT_SYSTEM_NAMESPACE = "agentguard-system";

    /** Namespace label that opts every pod in the namespace into the guard. */
    public static final String INJECT_LABEL = GROUP + "/inject";

    /** Value of {@link #INJECT_LABEL} that enables injection. */
    public static final String INJECT_ENABLED = "enabled";

    private AgentGuard() {
    }
}
