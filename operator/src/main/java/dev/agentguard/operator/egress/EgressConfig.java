package dev.agentguard.operator.egress;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The egress lock NetworkPolicy written into opted-in namespaces. */
@ConfigMapping(prefix = "agentguard.operator.egress")
public interface EgressConfig {

    /** Whether opted-in namespaces get the agentguard-egress NetworkPolicy at all. */
    @WithDefault("true")
    boolean enabled();

    /** The node proxy's port; stays reachable even where a node IP is also an API server IP. */
    @WithDefault("9443")
    int proxyPort();
}
