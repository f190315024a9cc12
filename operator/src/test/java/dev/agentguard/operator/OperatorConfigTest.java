package dev.agentguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.agentguard.operator.approval.ApprovalsConfig;
import dev.agentguard.operator.certificates.CertificatesConfig;
import dev.agentguard.operator.egress.EgressConfig;
import dev.agentguard.operator.notification.NotificationsConfig;
import dev.agentguard.operator.policy.PolicyOperatorConfig;
import dev.agentguard.operator.session.SessionsConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The operator's namespace settings, read as at runtime from the shipped application.properties
 * and the env the chart sets: one setting, the system namespace, moves all of them.
 */
class OperatorConfigTest {

    private static final String APPROVALS_NAMESPACES = "quarkus.operator-sdk.controllers.approvals.namespaces";

    @Test
    void everyNamespaceDefaultsToAgentguardSystem() throws IOException {
        SmallRyeConfig config = config(Map.of());
        assertThat(config.getConfigMapping(OperatorConfig.class).systemNamespace()).isEqualTo("agentguard-system");
        assertThat(config.getConfigMapping(CertificatesConfig.class).namespace()).isEqualTo("agentguard-system");
        assertThat(config.getConfigMapping(CertificatesConfig.class).proxyDnsNames()).containsExactly(
                "agentguard-proxy.agentguard-system.svc", "agentguard-proxy.agentguard-system.svc.cluster.local");
        assertThat(config.getConfigMapping(PolicyOperatorConfig.class).namespace()).isEqualTo("agentguard-system");
        assertThat(config.getValues(APPROVALS_NAMESPACES, String.class)).containsExactly("agentguard-system");
    }

    /** As the chart sets it: the env variable, from the pod's metadata.namespace. */
    @Test
    void everyNamespaceFollowsTheSystemNamespace() throws IOException {
        SmallRyeConfig config = config(Map.of("AGENTGUARD_OPERATOR_SYSTEM_NAMESPACE", "guard"));
        assertThat(config.getConfigMapping(OperatorConfig.class).systemNamespace()).isEqualTo("guard");
        assertThat(config.getConfigMapping(CertificatesConfig.class).namespace()).isEqualTo("guard");
        assertThat(config.getConfigMapping(CertificatesConfig.class).proxyDnsNames()).containsExactly(
                "agentguard-proxy.guard.svc", "agentguard-proxy.guard.svc.cluster.local");
        assertThat(config.getConfigMapping(PolicyOperatorConfig.class).namespace()).isEqualTo("guard");
        assertThat(config.getValues(APPROVALS_NAMESPACES, String.class)).containsExactly("guard");
        assertThat(OperatorConfig.serviceAccountUser("guard")).isEqualTo("system:serviceaccount:guard:agentguard-operator");
    }

    @Test
    void eachCanStillBeSetOnItsOwn() throws IOException {
        SmallRyeConfig config = config(Map.of("AGENTGUARD_OPERATOR_SYSTEM_NAMESPACE", "guard",
                "AGENTGUARD_OPERATOR_CERTIFICATES_NAMESPACE", "certs",
                "AGENTGUARD_OPERATOR_POLICIES_NAMESPACE", "bundles"));
        assertThat(config.getConfigMapping(CertificatesConfig.class).namespace()).isEqualTo("certs");
        assertThat(config.getConfigMapping(PolicyOperatorConfig.class).namespace()).isEqualTo("bundles");
        assertThat(config.getValues(APPROVALS_NAMESPACES, String.class)).containsExactly("guard");
    }

    private static SmallRyeConfig config(Map<String, String> env) throws IOException {
        var properties = OperatorConfigTest.class.getClassLoader().getResource("application.properties");
        return new SmallRyeConfigBuilder().addDefaultInterceptors()
                // Durations as Quarkus reads them ("30s").
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(OperatorConfig.class).withMapping(CertificatesConfig.class)
                .withMapping(PolicyOperatorConfig.class).withMapping(ApprovalsConfig.class)
                .withMapping(SessionsConfig.class).withMapping(EgressConfig.class)
                .withMapping(NotificationsConfig.class)
                .withSources(new PropertiesConfigSource(properties, 250), new EnvConfigSource(env, 300))
                .build();
    }
}
