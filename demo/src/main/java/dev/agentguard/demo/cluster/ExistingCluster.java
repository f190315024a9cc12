package dev.agentguard.demo.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import dev.agentguard.testing.kube.HostEndpoint;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KwokNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A cluster the user names with {@code make demo KUBECONFIG=...}, as its admin. The demo adds
 * one kwok node to it for its pods (so nothing is pulled or run in the cluster's real nodes) and
 * deletes it again at the end. The cluster's API server must reach this machine: the webhook and
 * the kwok node run here.
 */
public final class ExistingCluster implements DemoCluster {

    public static final String NODE = "agentguard-demo";

    private final Path kubeconfig;
    private final Config config;
    private final KubernetesClient admin;
    private final Path scratch;
    private KwokNode node;

    private ExistingCluster(Path kubeconfig, Config config, KubernetesClient admin, Path scratch) {
        this.kubeconfig = kubeconfig;
        this.config = config;
        this.admin = admin;
        this.scratch = scratch;
    }

    public static ExistingCluster connect(Path kubeconfig, Path nodeDirectory, Path scratch) {
        Config config;
        try {
            config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kubeconfig, e);
        }
        KubernetesClient admin = new KubernetesClientBuilder().withConfig(config).build();
        ExistingCluster cluster = new ExistingCluster(kubeconfig, config, admin, scratch);
        try {
            // Fails early, with the API server's answer, if the kubeconfig does not reach a cluster.
            admin.getKubernetesVersion();
            cluster.node = KwokNode.start(admin, kubeconfig, NODE, "agentguard.dev/demo-node=true",
                    HostEndpoint.hostAddress(), nodeDirectory, true);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public Config adminConfig() {
        return config;
    }

    @Override
    public KubernetesClient admin() {
        return admin;
    }

    @Override
    public String caCertificatePem() {
        try {
            if (config.getCaCertData() != null) {
                return new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.UTF_8);
            }
            return Files.readString(Path.of(config.getCaCertFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster's CA", e);
        }
    }

    @Override
    public Path adminKubeconfig() {
        return kubeconfig;
    }

    @Override
    public String node() {
        return NODE;
    }

    @Override
    public Kubectl kubectl(Path kubeconfig) {
        return new Kubectl(KubeApiServer.kubectlBinary(), kubeconfig, scratch);
    }

    /** The demo holds no one's credentials here: the cluster admin impersonates them. */
    @Override
    public Person person(String user, String group) {
        return new Person(user, kubeconfig, List.of("--as=" + user, "--as-group=" + group));
    }

    @Override
    public List<Long> pids() {
        return node == null ? List.of() : List.of(node.pid());
    }

    @Override
    public void close() {
        if (node != null) {
            node.close();
        }
        admin.close();
    }
}
