package dev.agentguard.testing.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * kwok playing the kubelet of one node: it marks the node Ready, runs its pods, runs exec
 * commands as local processes and serves logs from a file. The API server reaches it over TLS
 * at {@code address}, as it would a kubelet (it does not verify kubelet certificates unless told to).
 * Each kwok manages only the nodes with its own label, so several can share a cluster.
 */
public final class KwokNode implements AutoCloseable {

    /** Containers of this name have the node's log file as their logs. */
    public static final String LOG_CONTAINER = "app";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final KubernetesClient admin;
    private final ManagedProcess process;
    private final boolean deleteOnClose;

    private KwokNode(String name, KubernetesClient admin, ManagedProcess process, boolean deleteOnClose) {
        this.name = name;
        this.admin = admin;
        this.process = process;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Starts kwok with {@code kubeconfig} (which may create and update nodes and pods) and
     * registers the node, waiting until it is Ready.
     *
     * @param label         {@code key=value}: the node carries it, and this kwok manages only such nodes
     * @param address       where the API server reaches the node (its InternalIP)
     * @param deleteOnClose whether {@link #close()} deletes the Node object as well (for a cluster that stays)
     */
    public static KwokNode start(KubernetesClient admin, Path kubeconfig, String name, String label, String address,
            Path workDir, boolean deleteOnClose) {
        return start(KubeBinaries.locate(), admin, kubeconfig, name, label, address, workDir, deleteOnClose);
    }

    static KwokNode start(KubeBinaries binaries, KubernetesClient admin, Path kubeconfig, String name, String label,
            String address, Path workDir, boolean deleteOnClose) {
        int kubeletPort = KubeApiServer.freePort();
        // Self-signed: the API server does not verify a kubelet's serving certificate by default.
        IssuedCertificate serving = CertificateAuthority.create(name + "-kubelet-ca", Duration.ofDays(2))
                .issueServer(name, List.of("localhost"), List.of(address), Duration.ofDays(2));
        Path certFile = write(workDir, "kwok.crt", serving.certificatePem());
        Path keyFile = write(workDir, "kwok.key", serving.privateKeyPem());
        Path logFile = write(workDir, "pod.log", "");
        String config;
        try {
            config = """
                    apiVersion: kwok.x-k8s.io/v1alpha1
                    kind: ClusterExec
                    metadata: {name: local}
                    spec:
                      execs:
                      - local: {}
                    ---
                    apiVersion: kwok.x-k8s.io/v1alpha1
                    kind: ClusterLogs
                    metadata: {name: app}
                    spec:
                      logs:
                      - containers: [%s]
                        logsFile: %s
                        follow: true
                    """.formatted(LOG_CONTAINER, logFile)
                    + Files.readString(binaries.directory().resolve("kwok-stages.yaml"));
        } catch (IOException e) {
            throw new KubeStartException("cannot read kwok's stages: " + e.getMessage(), e);
        }
        Path configFile = write(workDir, "kwok.yaml", config);
        String[] labelParts = label.split("=", 2);
        ManagedProcess process = ManagedProcess.start("kwok", List.of(binaries.kwok().toString(),
                "--kubeconfig=" + kubeconfig,
                "--config=" + configFile,
                "--manage-nodes-with-label-selector=" + label,
                "--server-address=" + address + ":" + kubeletPort,
                "--tls-cert-file=" + certFile,
                "--tls-private-key-file=" + keyFile,
                "--node-ip=" + address,
                "--node-port=" + kubeletPort), workDir.resolve("kwok.log"));
        KwokNode node = new KwokNode(name, admin, process, deleteOnClose);
        try {
            admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                    .addToLabels(labelParts[0], labelParts[1]).addToLabels("kubernetes.io/hostname", name)
                    .addToAnnotations("kwok.x-k8s.io/node", "fake").endMetadata().build()).serverSideApply();
            process.awaitReady(node::isReady, START_TIMEOUT);
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    ManagedProcess process() {
        return process;
    }

    private boolean isReady() {
        var node = admin.nodes().withName(name).get();
        return node != null && node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    public void close() {
        process.close();
        if (deleteOnClose) {
            admin.nodes().withName(name).delete();
        }
    }

    private static Path write(Path dir, String name, String content) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
