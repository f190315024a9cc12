package dev.agentguard.webhook.bypass;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPathRuleTest {

    private final HostPathRule rule = new HostPathRule(List.of("/var/lib/kubelet", "/proc"));

    @ParameterizedTest
    @ValueSource(strings = {"/var/lib/kubelet", "/var/lib/kubelet/pods/x/volumes", "/var/lib", "/", "/var",
            "/var/lib/kubelet/", "//var//lib//kubelet", "/var/lib/../lib/kubelet", "/tmp/../var/lib/kubelet",
            "/proc/1/root", "var/lib/kubelet"})
    void pathsAtAboveOrBelowAProtectedPathAreRefused(String path) {
        assertThat(rule.violations(withHostPath(path), "ns")).singleElement().asString()
                .contains("mounts host path " + path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/var/log/app", "/data", "/var/lib/kubelet-other", "/opt/cache"})
    void otherPathsAreAllowed(String path) {
        assertThat(rule.violations(withHostPath(path), "ns")).isEmpty();
    }

    private static Pod withHostPath(String path) {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
                .addNewVolume().withName("host").withNewHostPath().withPath(path).endHostPath().endVolume()
                .endSpec().build();
    }
}
