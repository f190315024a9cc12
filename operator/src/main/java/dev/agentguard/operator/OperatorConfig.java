package dev.agentguard.operator;

import dev.agentguard.api.AgentGuard;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The operator's own settings, beyond those of each controller ({@code agentguard.operator.<controller>.*}). */
@ConfigMapping(prefix = "agentguard.operator")
public interface OperatorConfig {

    /** The operator's ServiceAccount (fixed by the chart), in {@link #systemNamespace()}. */
    String SERVICE_ACCOUNT = "agentguard-operator";

    /**
     * The control plane's namespace ({@code AGENTGUARD_OPERATOR_SYSTEM_NAMESPACE}; the chart sets the
     * release namespace, from the downward API's {@code metadata.namespace}). The only setting to change
     * to move the operator: where it keeps certificates ({@code certificates.namespace}), the policy
     * bundle and the proxies' Leases ({@code policies.namespace}), which ApprovalRequests it watches
     * ({@code quarkus.operator-sdk.controllers.approvals.namespaces}) and the proxy's DNS names
     * ({@code certificates.proxy-dns-names}) all default to it, and its own identity is
     * {@code system:serviceaccount:<this>:agentguard-operator}.
     */
    @WithDefault(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
    String systemNamespace();

    /** The user name the operator's ServiceAccount token authenticates as, in the given system namespace. */
    static String serviceAccountUser(String systemNamespace) {
        return "system:serviceaccount:" + systemNamespace + ":" + SERVICE_ACCOUNT;
    }
}
