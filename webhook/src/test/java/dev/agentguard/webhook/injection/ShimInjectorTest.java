package dev.agentguard.webhook.injection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.junit.jupiter.api.Test;

class ShimInjectorTest {

    private static final ShimSettings SETTINGS = new ShimSettings("shim:1", "IfNotPresent", 16443, 16444, 9443,
            "agentguard-proxy-ca", "agentguard-proxy.agentguard-system.svc", "-Xmx24m", "10m", "48Mi", "96Mi");
    private final ShimInjector injector = new ShimInjector(SETTINGS);

    @Test
    void injectingTwiceGivesTheSameSpec() {
        Pod once = admitted();
        injector.inject(once);
        Pod twice = new PodBuilder(once).build();
        injector.inject(twice);

        assertThat(twice).isEqualTo(once);
    }

    @Test
    void aShimDeclaredByThePodIsReplacedByTheConfiguredOne() {
        Pod pod = new PodBuilder(admitted()).editSpec().addNewInitContainer().withName("agentguard-shim")
                .withImage("evil/shim:1").endInitContainer().endSpec().build();

        injector.inject(pod);

        assertThat(pod.getSpec().getInitContainers()).filteredOn(c -> c.getName().equals("agentguard-shim"))
                .singleElement().satisfies(c -> assertThat(c.getImage()).isEqualTo("shim:1"));
        assertThat(pod.getSpec().getInitContainers().get(0).getName()).isEqualTo("agentguard-shim");
    }

    @Test
    void agentMountsAtTheServiceAccountPathAreReplacedByTheCredentialsVolume() {
        Pod pod = new PodBuilder(admitted()).editSpec().editFirstContainer()
                .addNewVolumeMount().withName("other").withMountPath(PodLayout.SERVICE_ACCOUNT_DIR + "/token")
                .endVolumeMount().endContainer().endSpec().build();

        injector.inject(pod);

        List<VolumeMount> mounts = pod.getSpec().getContainers().get(0).getVolumeMounts();
        assertThat(mounts).filteredOn(m -> m.getMountPath().startsWith(PodLayout.SERVICE_ACCOUNT_DIR))
                .singleElement().satisfies(m -> {
                    assertThat(m.getName()).isEqualTo(PodLayout.CREDENTIALS_VOLUME);
                    assertThat(m.getReadOnly()).isTrue();
                });
    }

    @Test
    void everyKubernetesServiceVariableOfTheAgentPointsAtTheShim() {
        Pod pod = admitted();
        injector.inject(pod);

        Container agent = pod.getSpec().getContainers().get(0);
        assertThat(agent.getEnv()).filteredOn(e -> e.getName().startsWith("KUBERNETES_"))
                .extracting(EnvVar::getValue)
                .allSatisfy(value -> assertThat(value).matches("127\\.0\\.0\\.1|16443|tcp|tcp://127\\.0\\.0\\.1:16443"));
        assertThat(agent.getEnv()).extracting(EnvVar::getName).contains("APP_MODE");
    }

    @Test
    void aPodWithoutTokenVolumeGetsAShimWithoutToken() {
        Pod pod = new PodBuilder(admitted()).editSpec().withVolumes().editFirstContainer().withVolumeMounts()
                .endContainer().endSpec().build();

        injector.inject(pod);

        assertThat(pod.getSpec().getInitContainers().get(0).getVolumeMounts())
                .noneMatch(m -> m.getMountPath().equals(PodLayout.SERVICE_ACCOUNT_DIR));
        assertThat(pod.getMetadata().getAnnotations()).containsEntry(PodLayout.INJECTED_ANNOTATION,
                "shim=shim:1,token-volume=none");
    }

    @Test
    void theProxyCaIsMountedAsAWholeVolumeSoRotatedBundlesReachTheShim() {
        Pod pod = admitted();
        injector.inject(pod);

        Container shim = pod.getSpec().getInitContainers().get(0);
        assertThat(shim.getVolumeMounts()).filteredOn(m -> m.getName().equals(PodLayout.PROXY_CA_VOLUME))
                .singleElement().satisfies(m -> {
                    assertThat(m.getMountPath()).isEqualTo(PodLayout.PROXY_CA_DIR);
                    // The kubelet never updates a subPath mount: the shim would keep the first bundle.
                    assertThat(m.getSubPath()).isNull();
                    assertThat(m.getSubPathExpr()).isNull();
                });
        assertThat(shim.getEnv()).filteredOn(e -> e.getName().equals("AGENTGUARD_SHIM_UPSTREAM_CA_FILE"))
                .singleElement().extracting(EnvVar::getValue).isEqualTo(PodLayout.PROXY_CA_DIR + "/ca.crt");
        assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getName().equals(PodLayout.PROXY_CA_VOLUME))
                .singleElement()
                .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("agentguard-proxy-ca"));
    }

    /** A pod as the ServiceAccount admission plugin leaves it. */
    private static Pod admitted() {
        return new PodBuilder().withNewMetadata().withName("agent").endMetadata().withNewSpec()
                .addNewContainer().withName("agent").withImage("agent:1")
                .addNewEnv().withName("APP_MODE").withValue("prod").endEnv()
                .addNewEnv().withName("KUBERNETES_SERVICE_HOST").withValue("10.96.0.1").endEnv()
                .addNewVolumeMount().withName("kube-api-access-abcde").withMountPath(PodLayout.SERVICE_ACCOUNT_DIR)
                .withReadOnly(true).endVolumeMount()
                .endContainer()
                .addNewVolume().withName("kube-api-access-abcde").withNewProjected()
                .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L)
                .endServiceAccountToken().endSource()
                .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").addNewItem().withKey("ca.crt")
                .withPath("ca.crt").endItem().endConfigMap().endSource()
                .endProjected().endVolume()
                .endSpec().build();
    }
}
