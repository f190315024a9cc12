package dev.agentguard.webhook.injection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The name the shims verify follows the system namespace unless it is set on its own. */
class InjectionConfigTest {

    @Test
    void theDefaultsNameAgentguardSystem() {
        InjectionConfig config = config(Map.of());
        assertThat(config.systemNamespace()).isEqualTo("agentguard-system");
        assertThat(config.proxy().serverName()).isEqualTo("agentguard-proxy.agentguard-system.svc");
    }

    /** As the chart sets it: the env variable, from the pod's metadata.namespace. */
    @Test
    void theProxyServerNameFollowsTheSystemNamespace() {
        InjectionConfig config = config(Map.of("AGENTGUARD_WEBHOOK_SYSTEM_NAMESPACE", "guard"));
        assertThat(config.systemNamespace()).isEqualTo("guard");
        assertThat(config.proxy().serverName()).isEqualTo("agentguard-proxy.guard.svc");
    }

    @Test
    void theProxyServerNameCanStillBeSetOnItsOwn() {
        InjectionConfig config = config(Map.of("AGENTGUARD_WEBHOOK_SYSTEM_NAMESPACE", "guard",
                "AGENTGUARD_WEBHOOK_PROXY_SERVER_NAME", "proxy.example"));
        assertThat(config.proxy().serverName()).isEqualTo("proxy.example");
    }

    private static InjectionConfig config(Map<String, String> env) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withMapping(InjectionConfig.class)
                .withSources(new EnvConfigSource(env, 300)).build().getConfigMapping(InjectionConfig.class);
    }
}
