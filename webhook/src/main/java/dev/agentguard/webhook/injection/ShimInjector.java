package dev.agentguard.webhook.injection;

import static dev.agentguard.webhook.injection.PodLayout.CREDENTIALS_DIR;
import static dev.agentguard.webhook.injection.PodLayout.CREDENTIALS_VOLUME;
import static dev.agentguard.webhook.injection.PodLayout.PROXY_CA_DIR;
import static dev.agentguard.webhook.injection.PodLayout.PROXY_CA_VOLUME;
import static dev.agentguard.webhook.injection.PodLayout.SERVICE_ACCOUNT_DIR;
import static dev.agentguard.webhook.injection.PodLayout.SHIM_CONTAINER;
import static dev.agentguard.webhook.injection.PodLayout.SHIM_TMP_VOLUME;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * Rewrites a pod so that its only path to the API server is the shim.
 *
 * <p>The mutation converges on a desired state rather than appending, so running
 * it again (re-invocation, an already-injected pod, a pod that declares its own
 * {@code agentguard-shim}) yields the same spec.
 */
public final class ShimInjector {

    private static final Set<String> OWN_VOLUMES = Set.of(CREDENTIALS_VOLUME, PROXY_CA_VOLUME, SHIM_TMP_VOLUME);
    private static final String LOOPBACK = "127.0.0.1";

    private final ShimSettings settings;

    public ShimInjector(ShimSettings settings) {
        this.settings = settings;
    }

    /** Mutates {@code pod} in place. */
    public void inject(Pod pod) {
        PodSpec spec = pod.getSpec();
        List<Volume> tokenVolumes = TokenVolumes.find(spec);
        Set<String> tokenVolumeNames = tokenVolumes.stream().map(Volume::getName).collect(Collectors.toSet());

        List<Container> initContainers = new ArrayList<>();
        initContainers.add(shimContainer(tokenVolumes.isEmpty() ? null : tokenVolumes.get(0).getName()));
        for (Container container : nullToEmpty(spec.getInitContainers())) {
            if (!SHIM_CONTAINER.equals(container.getName())) {
                initContainers.add(withShimCredentials(container, tokenVolumeNames));
            }
        }
        spec.setInitContainers(initContainers);
        spec.setContainers(nullToEmpty(spec.getContainers()).stream()
                .filter(c -> !SHIM_CONTAINER.equals(c.getName()))
                .map(c -> withShimCredentials(c, tokenVolumeNames))
                .toList());
        spec.setVolumes(withOwnVolumes(nullToEmpty(spec.getVolumes())));

        Map<String, String> annotations = new HashMap<>(
                pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations());
        annotations.put(PodLayout.INJECTED_ANNOTATION, "shim=" + settings.image() + ",token-volume="
                + (tokenVolumes.isEmpty() ? "none" : tokenVolumes.get(0).getName()));
        pod.getMetadata().setAnnotations(annotations);
    }

    /** An agent container: no token, placeholder credentials from the shim, API address pointing at the shim. */
    private Container withShimCredentials(Container container, Set<String> tokenVolumeNames) {
        List<VolumeMount> mounts = new ArrayList<>(nullToEmpty(container.getVolumeMounts()).stream()
                .filter(m -> !tokenVolumeNames.contains(m.getName()) && !OWN_VOLUMES.contains(m.getName())
                        && !m.getMountPath().startsWith(SERVICE_ACCOUNT_DIR))
                .toList());
        mounts.add(new VolumeMountBuilder().withName(CREDENTIALS_VOLUME).withMountPath(SERVICE_ACCOUNT_DIR)
                .withReadOnly(true).build());

        List<EnvVar> env = new ArrayList<>(nullToEmpty(container.getEnv()).stream()
                .filter(e -> !isKubernetesServiceVariable(e.getName()))
                .toList());
        env.addAll(apiServerEnvironment());

        return new ContainerBuilder(container).withVolumeMounts(mounts).withEnv(env).build();
    }

    /**
     * The variables client-go, fabric8, the Python client and kubectl read for the
     * in-cluster API address. Set explicitly, they take precedence over the ones
     * the kubelet derives from the {@code kubernetes} Service.
     */
    private List<EnvVar> apiServerEnvironment() {
        String port = Integer.toString(settings.port());
        String address = "tcp://" + LOOPBACK + ":" + port;
        return List.of(
                env("KUBERNETES_SERVICE_HOST", LOOPBACK),
                env("KUBERNETES_SERVICE_PORT", port),
                env("KUBERNETES_SERVICE_PORT_HTTPS", port),
                env("KUBERNETES_PORT", address),
                env("KUBERNETES_PORT_443_TCP", address),
                env("KUBERNETES_PORT_443_TCP_PROTO", "tcp"),
                env("KUBERNETES_PORT_443_TCP_PORT", port),
                env("KUBERNETES_PORT_443_TCP_ADDR", LOOPBACK));
    }

    static boolean isKubernetesServiceVariable(String name) {
        return name.equals("KUBERNETES_SERVICE_HOST") || name.startsWith("KUBERNETES_SERVICE_PORT")
                || name.startsWith("KUBERNETES_PORT");
    }

    private Container shimContainer(String tokenVolume) {
        List<VolumeMount> mounts = new ArrayList<>();
        if (tokenVolume != null) {
            mounts.add(mount(tokenVolume, SERVICE_ACCOUNT_DIR, true));
        }
        mounts.add(mount(CREDENTIALS_VOLUME, CREDENTIALS_DIR, false));
        mounts.add(mount(PROXY_CA_VOLUME, PROXY_CA_DIR, true));
        mounts.add(mount(SHIM_TMP_VOLUME, "/tmp", false));

        return new ContainerBuilder()
                .withName(SHIM_CONTAINER)
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                // A native sidecar: started before, and running alongside, every other container.
                .withRestartPolicy("Always")
                .addNewPort().withName("shim-health").withContainerPort(settings.healthPort()).endPort()
                .withEnv(
                        fieldEnv("AGENTGUARD_POD_NAME", "metadata.name"),
                        fieldEnv("AGENTGUARD_POD_NAMESPACE", "metadata.namespace"),
                        fieldEnv("AGENTGUARD_POD_UID", "metadata.uid"),
                        fieldEnv("AGENTGUARD_HOST_IP", "status.hostIP"),
                        env("AGENTGUARD_SHIM_PORT", Integer.toString(settings.port())),
                        env("AGENTGUARD_SHIM_UPSTREAM", "https://$(AGENTGUARD_HOST_IP):" + settings.proxyPort()),
                        env("AGENTGUARD_SHIM_UPSTREAM_CA_FILE", PROXY_CA_DIR + "/ca.crt"),
                        env("AGENTGUARD_SHIM_UPSTREAM_SERVER_NAME", settings.proxyServerName()),
                        env("AGENTGUARD_SHIM_TOKEN_FILE", SERVICE_ACCOUNT_DIR + "/token"),
                        env("AGENTGUARD_SHIM_CREDENTIALS_DIR", CREDENTIALS_DIR),
                        env("QUARKUS_HTTP_PORT", Integer.toString(settings.healthPort())),
                        env("JAVA_TOOL_OPTIONS", settings.jvmOptions()))
                .withNewStartupProbe()
                .withNewHttpGet().withPath("/q/health/started").withPort(new IntOrString(settings.healthPort()))
                .endHttpGet()
                .withPeriodSeconds(1).withTimeoutSeconds(1).withFailureThreshold(60)
                .endStartupProbe()
                .withNewResources()
                .addToRequests("cpu", new Quantity(settings.cpuRequest()))
                .addToRequests("memory", new Quantity(settings.memoryRequest()))
                .addToLimits("memory", new Quantity(settings.memoryLimit()))
                .endResources()
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(65532L).withRunAsGroup(65532L)
                .withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withVolumeMounts(mounts)
                .build();
    }

    private List<Volume> withOwnVolumes(List<Volume> volumes) {
        Map<String, Volume> own = Map.of(
                CREDENTIALS_VOLUME, new VolumeBuilder().withName(CREDENTIALS_VOLUME)
                        .withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("1Mi")).endEmptyDir()
                        .build(),
                PROXY_CA_VOLUME, new VolumeBuilder().withName(PROXY_CA_VOLUME)
                        .withNewConfigMap().withName(settings.proxyCaConfigMap())
                        .addNewItem().withKey("ca.crt").withPath("ca.crt").endItem().endConfigMap()
                        .build(),
                SHIM_TMP_VOLUME, new VolumeBuilder().withName(SHIM_TMP_VOLUME)
                        .withNewEmptyDir().withSizeLimit(new Quantity("64Mi")).endEmptyDir()
                        .build());
        // Replace in place where present (stable patches on re-invocation), append otherwise.
        List<Volume> result = new ArrayList<>(volumes.stream()
                .map(v -> own.getOrDefault(v.getName(), v)).toList());
        Set<String> present = result.stream().map(Volume::getName).collect(Collectors.toSet());
        Stream.of(CREDENTIALS_VOLUME, PROXY_CA_VOLUME, SHIM_TMP_VOLUME)
                .filter(name -> !present.contains(name))
                .forEach(name -> result.add(own.get(name)));
        return result;
    }

    private static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static EnvVar fieldEnv(String name, String fieldPath) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef()
                .withFieldPath(fieldPath).endFieldRef().endValueFrom().build();
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
