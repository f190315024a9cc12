package dev.agentguard.images;

import static dev.agentguard.images.BuiltImages.APP_UID;
import static dev.agentguard.images.TestFiles.directory;
import static dev.agentguard.images.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.agentguard.testing.apps.PackagedApp;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.Kubeconfig;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.TestTls;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Each built image, unpacked and started under an OCI runtime the way its pod spec runs it
 * (the image's own user, env, working directory and entrypoint; read-only root filesystem,
 * tmpfs /tmp, its volumes at the manifests' paths), reports live on its health port. Each
 * gets the least it needs to start: certificate files, and for the components that talk
 * to Kubernetes, a kubeconfig for their own ServiceAccount on the shared test API server.
 */
class ImageRunIT {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void execShimImageStartsAsItsSidecarRuns() {
        TestTls proxyCa = TestTls.issue("agentguard-proxy");
        Path token = write(work.resolve("token/token"), "a-pod-token");
        // An emptyDir, which the kubelet creates with mode 0777.
        Path credentials = worldWritable(directory(work.resolve("credentials")));
        int health = PackagedApp.freePort();
        // The variables and mounts the webhook gives the injected container (ShimInjector).
        Map<String, String> env = Map.of(
                "AGENTGUARD_POD_NAMESPACE", "agents",
                "AGENTGUARD_SHIM_PORT", Integer.toString(PackagedApp.freePort()),
                "AGENTGUARD_SHIM_UPSTREAM", "https://127.0.0.1:" + PackagedApp.freePort(),
                "AGENTGUARD_SHIM_UPSTREAM_CA_FILE", "/var/run/agentguard/proxy-ca/ca.crt",
                "AGENTGUARD_SHIM_TOKEN_FILE", "/var/run/secrets/kubernetes.io/serviceaccount/token",
                "AGENTGUARD_SHIM_CREDENTIALS_DIR", "/var/run/agentguard/credentials",
                "QUARKUS_HTTP_PORT", Integer.toString(health));
        List<BindMount> mounts = List.of(
                BindMount.readOnly(token.getParent(), "/var/run/secrets/kubernetes.io/serviceaccount"),
                BindMount.readOnly(proxyCa.directory(), "/var/run/agentguard/proxy-ca"),
                BindMount.writable(credentials, "/var/run/agentguard/credentials"));

        try (RunningContainer shim = start("exec-shim", env, mounts)) {
            shim.awaitOk("http://127.0.0.1:" + health + "/q/health/live", STARTUP);
            assertThat(shim.processUid()).isEqualTo(APP_UID);
            // The startup probe passes once it wrote the agent's placeholder credentials, as its own user.
            shim.awaitOk("http://127.0.0.1:" + health + "/q/health/started", STARTUP);
            assertThat(credentials.resolve("token")).exists();
            // The image carries netty-tcnative and its base the libraries it loads: TLS is OpenSSL's.
            assertThat(shim.log()).contains("TLS by OpenSSL");
        }
    }

    @Test
    void webhookImageStartsAsItsDeploymentRuns() {
        KubeApiServer cluster = KubeApiServer.shared();
        TestTls tls = TestTls.issue("agentguard-webhook");
        Path kube = kubeconfig(cluster, AgentGuardInstall.component(cluster, "webhook"));
        int management = PackagedApp.freePort();
        Map<String, String> env = Map.of(
                "QUARKUS_HTTP_SSL_PORT", Integer.toString(PackagedApp.freePort()),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(management),
                "AGENTGUARD_WEBHOOK_TLS_CERT_FILE", "/etc/agentguard/webhook-tls/tls.crt",
                "AGENTGUARD_WEBHOOK_TLS_KEY_FILE", "/etc/agentguard/webhook-tls/tls.key",
                "KUBECONFIG", "/etc/agentguard/kube/kubeconfig");
        List<BindMount> mounts = List.of(
                BindMount.readOnly(tls.directory(), "/etc/agentguard/webhook-tls"),
                BindMount.readOnly(kube, "/etc/agentguard/kube"));

        try (RunningContainer webhook = start("webhook", env, mounts)) {
            webhook.awaitOk("http://127.0.0.1:" + management + "/q/health/live", STARTUP);
            assertThat(webhook.processUid()).isEqualTo(APP_UID);
        }
    }

    @Test
    void proxyImageStartsAsItsDaemonSetRuns() {
        KubeApiServer cluster = KubeApiServer.shared();
        TestTls tls = TestTls.issue("agentguard-proxy");
        Path kube = kubeconfig(cluster, AgentGuardInstall.component(cluster, "proxy"));
        // The hostPath as the kubelet creates it (DirectoryOrCreate): root's, mode 0755. The
        // DaemonSet's init container hands it to the proxy's user from the same image, which has no shell.
        Path recordings = directory(work.resolve("recordings"));
        try (RunningContainer init = start("proxy", "recordings-owner", shippedInitContainer("recordings-owner"), Map.of(),
                List.of(BindMount.writable(recordings, "/var/lib/agentguard/recordings")))) {
            assertThat(init.awaitExit(STARTUP)).as(init.log()).isZero();
        }
        assertThat(owner(recordings)).isEqualTo(APP_UID);
        assertThat(permissions(recordings)).isEqualTo("rwx------");
        int health = PackagedApp.freePort();
        Map<String, String> env = Map.of(
                "AGENTGUARD_PROXY_PORT", Integer.toString(PackagedApp.freePort()),
                "AGENTGUARD_PROXY_NODE_NAME", KubeApiServer.KWOK_NODE,
                "AGENTGUARD_PROXY_TLS_CERT_FILE", "/etc/agentguard/proxy-tls/tls.crt",
                "AGENTGUARD_PROXY_TLS_KEY_FILE", "/etc/agentguard/proxy-tls/tls.key",
                "AGENTGUARD_PROXY_RECORDING_DIRECTORY", "/var/lib/agentguard/recordings",
                "QUARKUS_HTTP_PORT", Integer.toString(health),
                "KUBECONFIG", "/etc/agentguard/kube/kubeconfig");
        List<BindMount> mounts = List.of(
                BindMount.readOnly(tls.directory(), "/etc/agentguard/proxy-tls"),
                BindMount.readOnly(kube, "/etc/agentguard/kube"),
                BindMount.writable(recordings, "/var/lib/agentguard/recordings"));

        try (RunningContainer proxy = start("proxy", env, mounts)) {
            proxy.awaitOk("http://127.0.0.1:" + health + "/q/health/live", STARTUP);
            assertThat(proxy.processUid()).isEqualTo(APP_UID);
            assertThat(proxy.log()).contains("TLS by OpenSSL");
        }
    }

    @Test
    void operatorImageStartsAsItsDeploymentRuns() {
        KubeApiServer cluster = KubeApiServer.shared();
        Path kube = kubeconfig(cluster, AgentGuardInstall.component(cluster, "operator"));
        int http = PackagedApp.freePort();
        Map<String, String> env = Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(http),
                "KUBECONFIG", "/etc/agentguard/kube/kubeconfig");

        try (RunningContainer operator = start("operator", env,
                List.of(BindMount.readOnly(kube, "/etc/agentguard/kube")))) {
            operator.awaitOk("http://127.0.0.1:" + http + "/q/health/live", STARTUP);
            assertThat(operator.processUid()).isEqualTo(APP_UID);
        }
    }

    private RunningContainer start(String image, Map<String, String> env, List<BindMount> mounts) {
        return start(image, image, ContainerSettings.AS_IMAGE, env, mounts);
    }

    private RunningContainer start(String image, String container, ContainerSettings settings,
            Map<String, String> env, List<BindMount> mounts) {
        return BuiltImages.start(BuiltImages.tarball(image), work.resolve(container), settings, env, mounts);
    }

    /** The proxy DaemonSet's init container as the chart renders it (manifests/ is that rendering). */
    private static ContainerSettings shippedInitContainer(String name) {
        try (var yaml = Files.newInputStream(RepoFiles.find("manifests/proxy/daemonset.yaml"))) {
            PodSpec pod = Serialization.unmarshal(yaml, DaemonSet.class).getSpec().getTemplate().getSpec();
            return ContainerSettings.of(pod, pod.getInitContainers().stream()
                    .filter(container -> container.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("the proxy DaemonSet has no init container " + name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long owner(Path path) {
        try {
            return ((Number) Files.getAttribute(path, "unix:uid")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String permissions(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path worldWritable(Path dir) {
        try {
            return Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kubeconfig with the ServiceAccount's token, alone in a directory to mount. */
    private Path kubeconfig(KubeApiServer cluster, String token) {
        return write(work.resolve("kube/kubeconfig"), Kubeconfig.withToken(cluster.url(), cluster.caCertificatePem(),
                token)).getParent();
    }
}
