package dev.agentguard.operator.policy;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Policies into proxies: where the bundle goes and how proxies are counted. */
@ConfigMapping(prefix = "agentguard.operator.policies")
public interface PolicyOperatorConfig {

    /** Namespace of the bundle ConfigMap and of the proxies' Leases; the system namespace by default. */
    @WithDefault("${agentguard.operator.system-namespace}")
    String namespace();

    /** The bundle ConfigMap the proxies read. */
    @WithDefault("agentguard-policies")
    String bundleName();

    /**
     * A proxy counts as alive while its Lease was renewed within this long
     * (three of the proxies' default 15s renewals).
     */
    @WithDefault("45s")
    Duration proxyAliveWithin();
}
