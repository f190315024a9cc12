package dev.agentguard.images;

import static dev.agentguard.images.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.agentguard.testing.chart.Helm;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The chart's pre-delete hook, run from the built operator image under the OCI runtime as
 * its Job's pod would run: the Job's container as {@code helm template} renders it (the image
 * it names, its args and env, its and its pod's securityContext; read-only root, /tmp as its
 * emptyDir), and what the kubelet gives a pod, in-cluster credentials of the Job's
 * ServiceAccount (token, CA and namespace at the standard path, {@code KUBERNETES_SERVICE_*}).
 * That ServiceAccount and its RBAC are the chart's hook objects, so the container has exactly
 * the rights the hook ships with. Against the webhook configurations the chart installs, the
 * container must run to completion with exit 0 and leave none of them behind.
 */
class UninstallHookImageIT {

    /** A release namespace of this test's own on the shared API server. */
    private static final String NAMESPACE = "agentguard-uninstall-hook-it";
    private static final String JOB = "agentguard-uninstall";
    private static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    private final KubeApiServer cluster = KubeApiServer.shared();
    private final KubernetesClient admin = cluster.admin();
    private final List<HasMetadata> rendered = render();

    @TempDir
    Path work;

    /** No fail-closed configuration pointing at a missing Service outlives a test on the shared API server. */
    @AfterEach
    void removeWebhookConfigurations() {
        webhookConfigurations().forEach(configuration -> admin.resource(configuration).delete());
    }

    @Test
    void theOperatorImageDeletesEveryWebhookConfigurationTheChartInstalls() {
        List<HasMetadata> configurations = webhookConfigurations();
        assertThat(configurations).as("the chart's webhook configurations").isNotEmpty();
        configurations.forEach(configuration -> admin.resource(configuration).forceConflicts().serverSideApply());
        assertThat(present()).as("before the hook").hasSameSizeAs(configurations);

        Run run = runHook("hook");

        assertThat(run.exitCode()).as(run.log()).isZero();
        assertThat(present()).as("left by the hook, whose log is:\n" + run.log()).isEmpty();
    }

    /** Helm runs the hook again on a retried uninstall, and an admin may have removed them by hand first. */
    @Test
    void itSucceedsWhenTheConfigurationsAreAlreadyGone() {
        removeWebhookConfigurations();
        assertThat(present()).isEmpty();

        Run run = runHook("hook-again");

        assertThat(run.exitCode()).as(run.log()).isZero();
        // It asked the API server about each one, as the hook's ServiceAccount, and found none.
        assertThat(run.log()).contains(webhookConfigurations().stream().map(c -> describe(c) + " not present")
                .toList());
    }

    private record Run(int exitCode, String log) {
    }

    /** The hook's ServiceAccount and RBAC as rendered, then its Job's one container, run to its exit. */
    private Run runHook(String name) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .serverSideApply();
        hookObjects().stream().filter(object -> !(object instanceof Job))
                .forEach(object -> admin.resource(object).forceConflicts().serverSideApply());

        Job job = hookObjects().stream().filter(Job.class::isInstance).map(Job.class::cast)
                .filter(j -> j.getMetadata().getName().equals(JOB)).findFirst()
                .orElseThrow(() -> new AssertionError("the chart renders no pre-delete Job " + JOB));
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).as("the hook's init containers").isEmpty();
        assertThat(pod.getContainers()).as("the hook's containers").hasSize(1);
        Container container = pod.getContainers().get(0);

        Path tarball = BuiltImages.tarballOf(container.getImage());
        assertThat(tarball.getFileName()).as("the image the hook's Job names").hasToString("operator.tar");
        onlyTmpEmptyDir(pod, container);

        Map<String, String> env = new LinkedHashMap<>(environment(container));
        List<BindMount> mounts = new ArrayList<>();
        if (mountsServiceAccountToken(pod)) {
            mounts.add(BindMount.readOnly(serviceAccountFiles(pod.getServiceAccountName()), SERVICE_ACCOUNT_DIR));
            URI server = URI.create(cluster.url());
            env.put("KUBERNETES_SERVICE_HOST", server.getHost());
            env.put("KUBERNETES_SERVICE_PORT", Integer.toString(server.getPort()));
        }

        // The Job controller fails the Job once activeDeadlineSeconds have passed.
        assertThat(job.getSpec().getActiveDeadlineSeconds()).as("the hook Job's activeDeadlineSeconds").isNotNull();
        Duration deadline = Duration.ofSeconds(job.getSpec().getActiveDeadlineSeconds());
        ContainerSettings settings = ContainerSettings.of(pod, container);
        try (RunningContainer hook = BuiltImages.start(tarball, work.resolve(name), settings, env, mounts)) {
            int exitCode = hook.awaitExit(deadline);
            return new Run(exitCode, hook.log());
        }
    }

    /**
     * RunningContainer gives every container /tmp as an emptyDir and nothing else the pod
     * declares: a hook that mounts more would not run here as its Job says.
     */
    private static void onlyTmpEmptyDir(PodSpec pod, Container container) {
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("mount of undeclared volume " + mount.getName()));
            assertThat(volume.getEmptyDir() != null && mount.getMountPath().equals("/tmp"))
                    .as("the hook mounts only an emptyDir at /tmp, which the test gives it; it mounts "
                            + volume.getName() + " at " + mount.getMountPath())
                    .isTrue();
        }
    }

    /** The container's env as rendered: literal values only (the hook has no use for the downward API). */
    private static Map<String, String> environment(Container container) {
        assertThat(container.getEnvFrom()).as("the hook's envFrom").isEmpty();
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            assertThat(variable.getValueFrom()).as("env " + variable.getName() + " of the hook").isNull();
            env.put(variable.getName(), variable.getValue() == null ? "" : variable.getValue());
        }
        return env;
    }

    /** Unless the pod or its ServiceAccount opts out, the kubelet mounts the ServiceAccount's credentials. */
    private boolean mountsServiceAccountToken(PodSpec pod) {
        ServiceAccount account = admin.serviceAccounts().inNamespace(NAMESPACE).withName(pod.getServiceAccountName())
                .get();
        assertThat(account).as("the hook's ServiceAccount " + pod.getServiceAccountName()).isNotNull();
        Boolean fromPod = pod.getAutomountServiceAccountToken();
        return fromPod != null ? fromPod : !Boolean.FALSE.equals(account.getAutomountServiceAccountToken());
    }

    /**
     * The files of the kube-api-access volume the API server adds to the pod: a token minted for
     * the ServiceAccount (0600, as the kubelet writes it for a pod with a runAsUser), CA, namespace.
     */
    private Path serviceAccountFiles(String serviceAccount) {
        Path directory = work.resolve("serviceaccount");
        Path token = write(directory.resolve("token"), cluster.tokenFor(NAMESPACE, serviceAccount));
        write(directory.resolve("ca.crt"), cluster.caCertificatePem());
        write(directory.resolve("namespace"), NAMESPACE);
        try {
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return directory;
    }

    /** The webhook configurations the chart installs (not hooks: helm would leave them to uninstall). */
    private List<HasMetadata> webhookConfigurations() {
        return rendered.stream().filter(object -> object instanceof MutatingWebhookConfiguration
                || object instanceof ValidatingWebhookConfiguration).toList();
    }

    /** Which of the chart's webhook configurations are on the API server, by kind and name. */
    private List<String> present() {
        return webhookConfigurations().stream().filter(configuration -> admin.resource(configuration).get() != null)
                .map(UninstallHookImageIT::describe).toList();
    }

    private List<HasMetadata> hookObjects() {
        return rendered.stream().filter(object -> object.getMetadata().getAnnotations() != null
                && object.getMetadata().getAnnotations().getOrDefault("helm.sh/hook", "").contains("pre-delete"))
                .toList();
    }

    private static String describe(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }

    /** The chart with its defaults, released into {@link #NAMESPACE}. */
    private static List<HasMetadata> render() {
        String yaml = Helm.offline().ok("template", "agentguard", Helm.chart().toString(), "--namespace", NAMESPACE);
        // Several documents unmarshal to a list of the typed objects.
        return new KubernetesSerialization().unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
