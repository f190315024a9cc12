package dev.agentguard.testing.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.lifecycle.Startable;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a container, for machines with a Docker engine: the same tests that run
 * against {@link KubeApiServer} run here against a full single-node cluster
 * (scheduler, kubelet, CNI). Annotate such tests with
 * {@code @Testcontainers(disabledWithoutDocker = true)} so they are skipped, with
 * that reason, where no engine exists.
 */
public final class K3sCluster implements KubeCluster, Startable {

    /** k3s release matching the Kubernetes minor the local binaries are built from. */
    public static final DockerImageName IMAGE = DockerImageName.parse("rancher/k3s:v1.37.2-k3s1");

    private final K3sContainer container;
    private Config config;
    private KubernetesClient admin;

    public K3sCluster() {
        this.container = new K3sContainer(IMAGE);
    }

    @Override
    public void start() {
        container.start();
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public synchronized Config adminConfig() {
        if (config == null) {
            config = Config.fromKubeconfig(container.getKubeConfigYaml());
        }
        return config;
    }

    @Override
    public synchronized KubernetesClient admin() {
        if (admin == null) {
            admin = new KubernetesClientBuilder().withConfig(adminConfig()).build();
        }
        return admin;
    }

    @Override
    public String caCertificatePem() {
        return new String(java.util.Base64.getDecoder().decode(adminConfig().getCaCertData()),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
        container.close();
    }
}
