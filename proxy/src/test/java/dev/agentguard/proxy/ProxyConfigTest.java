package dev.agentguard.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** One setting, the system namespace, moves everything the proxy keeps in the control plane's namespace. */
class ProxyConfigTest {

    @Test
    void theSystemNamespaceDefaultsToAgentguardSystem() {
        ProxyConfig config = config(Map.of());
        assertThat(config.systemNamespace()).isEqualTo("agentguard-system");
        assertThat(config.policies().namespace()).isEqualTo("agentguard-system");
    }

    /** As the chart sets it: the env variable, from the pod's metadata.namespace. */
    @Test
    void thePoliciesNamespaceFollowsTheSystemNamespace() {
        ProxyConfig config = config(Map.of("AGENTGUARD_PROXY_SYSTEM_NAMESPACE", "guard"));
        assertThat(config.systemNamespace()).isEqualTo("guard");
        assertThat(config.policies().namespace()).isEqualTo("guard");
    }

    @Test
    void thePoliciesNamespaceCanStillBeSetOnItsOwn() {
        ProxyConfig config = config(Map.of("AGENTGUARD_PROXY_SYSTEM_NAMESPACE", "guard",
                "AGENTGUARD_PROXY_POLICIES_NAMESPACE", "bundles"));
        assertThat(config.systemNamespace()).isEqualTo("guard");
        assertThat(config.policies().namespace()).isEqualTo("bundles");
    }

    private static ProxyConfig config(Map<String, String> env) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                // Durations as Quarkus reads them ("30s").
                .withConverter(Duration.class, 200, new DurationConverter()).withMapping(ProxyConfig.class)
                .withSources(new EnvConfigSource(env, 300))
                .withDefaultValue("agentguard.proxy.node-name", "node-1")
                .build().getConfigMapping(ProxyConfig.class);
    }
}
