package dev.agentguard.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;

class ContainerSettingsTest {

    private static final ImageConfig IMAGE = new ImageConfig("65532:65532", List.of(), "/app",
            List.of("java", "-jar", "/app/quarkus-run.jar"), List.of());

    @Test
    void thePodsUserAppliesWhereTheContainerSetsNone() {
        PodSpec pod = new PodSpecBuilder().withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(2000L)
                .endSecurityContext().build();

        ContainerSettings settings = ContainerSettings.of(pod, hardened().build());

        assertThat(settings.uid(IMAGE)).isEqualTo(1000);
        assertThat(settings.gid(IMAGE)).isEqualTo(2000);
    }

    @Test
    void theContainersUserWinsOverThePods() {
        PodSpec pod = new PodSpecBuilder().withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(2000L)
                .endSecurityContext().build();

        ContainerSettings settings = ContainerSettings.of(pod, hardened().editSecurityContext().withRunAsUser(0L)
                .endSecurityContext().build());

        assertThat(settings.uid(IMAGE)).isZero();
        assertThat(settings.gid(IMAGE)).isEqualTo(2000);
    }

    @Test
    void withoutEitherTheImagesUserAndArgsKeepTheEntrypoint() {
        ContainerSettings settings = ContainerSettings.of(new PodSpec(), hardened().withArgs("a-command", "x").build());

        assertThat(settings.uid(IMAGE)).isEqualTo(65532);
        assertThat(settings.processArgs(IMAGE)).containsExactly("java", "-jar", "/app/quarkus-run.jar", "a-command",
                "x");
    }

    @Test
    void aContainerTheRuntimeSpecWouldRunStricterThanItAsksIsRefused() {
        Container writableRoot = hardened().editSecurityContext().withReadOnlyRootFilesystem(false)
                .endSecurityContext().build();

        assertThatThrownBy(() -> ContainerSettings.of(new PodSpec(), writableRoot))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-only root filesystem");
        assertThatThrownBy(() -> ContainerSettings.of(new PodSpec(), hardened().withCommand("sh").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entrypoint");
    }

    private static ContainerBuilder hardened() {
        return new ContainerBuilder().withName("c").withNewSecurityContext().withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext();
    }
}
