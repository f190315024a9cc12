package dev.agentguard.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control-plane contract against the local kube-apiserver built from source, plus its kwok node. */
@WithKubeApiServer
class KubeApiServerIT extends ControlPlaneContract {

    private final KubeApiServer server;

    KubeApiServerIT(KubeApiServer server) {
        super(server);
        this.server = server;
    }

    @Test
    void podsOnTheKwokNodeRunAndExecRunsTheirCommandForReal(@TempDir Path dir) throws Exception {
        Pod pod = server.admin().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata()
                .withName("kwok-exec").endMetadata().withNewSpec().withNodeName(KubeApiServer.KWOK_NODE)
                .withAutomountServiceAccountToken(false)
                .addNewContainer().withName(KubeApiServer.KWOK_LOG_CONTAINER).withImage("registry.invalid/app:1")
                .endContainer().endSpec().build()).create();
        try {
            server.admin().pods().resource(pod).waitUntilCondition(
                    p -> p != null && "Running".equals(p.getStatus().getPhase()), 30, TimeUnit.SECONDS);
            Path marker = dir.resolve("ran");

            KubeApiServer.KubectlResult exec = server.kubectl(null, "exec", "kwok-exec", "-n", "default", "--",
                    "sh", "-c", "echo hello-from-kwok; touch " + marker);

            assertThat(exec.exitCode()).as(exec.stderr()).isZero();
            assertThat(exec.stdout()).isEqualTo("hello-from-kwok\n");
            assertThat(marker).exists();

            Files.writeString(server.podLogFile(), "2026-01-01T00:00:00.000000000Z stdout F served by kwok\n");
            assertThat(server.kubectl(null, "logs", "kwok-exec", "-n", "default").stdout())
                    .isEqualTo("served by kwok\n");
        } finally {
            server.admin().pods().resource(pod).withGracePeriod(0).delete();
        }
    }
}
