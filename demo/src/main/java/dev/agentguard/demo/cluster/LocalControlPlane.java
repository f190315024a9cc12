package dev.agentguard.demo.cluster;

import java.nio.file.Path;
import java.util.List;

import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The project's own control plane, the one the test suite runs against: etcd, kube-apiserver,
 * kube-controller-manager and a kwok node, built by hack/kube-binaries.sh, in a directory of
 * the demo's. There is no scheduler: the demo's pods name their node.
 */
public final class LocalControlPlane implements DemoCluster {

    private final KubeApiServer server;
    private final Path scratch;

    private LocalControlPlane(KubeApiServer server, Path scratch) {
        this.server = server;
        this.scratch = scratch;
    }

    public static LocalControlPlane start(Path directory, Path scratch) {
        return new LocalControlPlane(KubeApiServer.startIn(directory), scratch);
    }

    @Override
    public Config adminConfig() {
        return server.adminConfig();
    }

    @Override
    public KubernetesClient admin() {
        return server.admin();
    }

    @Override
    public String caCertificatePem() {
        return server.caCertificatePem();
    }

    @Override
    public Path adminKubeconfig() {
        return server.adminKubeconfig();
    }

    @Override
    public String node() {
        return KubeApiServer.KWOK_NODE;
    }

    @Override
    public Kubectl kubectl(Path kubeconfig) {
        return new Kubectl(server.binary("kubectl"), kubeconfig, scratch);
    }

    @Override
    public Person person(String user, String group) {
        return new Person(user, server.userKubeconfig(user, group), List.of());
    }

    @Override
    public List<Long> pids() {
        return server.pids();
    }

    @Override
    public void close() {
        server.close();
    }
}
