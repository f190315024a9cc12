package dev.agentguard.testing.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentguard.testing.kube.MountedVolume;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * One container of a workload as installed, prepared the way the kubelet would for a
 * local process: each volume it mounts becomes a local directory (Secrets and ConfigMaps
 * kept in step with the API server by {@link MountedVolume}, emptyDir and hostPath empty),
 * and its environment is the rendered one with mount paths moved to those directories and
 * the downward API's {@code spec.nodeName} resolved. Nothing is added: what the component
 * is told comes from the chart.
 */
public final class RenderedContainer implements AutoCloseable {

    private final Map<String, String> environment;
    private final List<MountedVolume> objectVolumes;
    private final List<Path> objectDirectories;

    private RenderedContainer(Map<String, String> environment, List<MountedVolume> objectVolumes,
            List<Path> objectDirectories) {
        this.environment = environment;
        this.objectVolumes = objectVolumes;
        this.objectDirectories = objectDirectories;
    }

    /**
     * @param namespace the pod's namespace (where its Secret and ConfigMap volumes are read)
     * @param node      the node the pod would run on, for {@code spec.nodeName}
     */
    public static RenderedContainer of(KubernetesClient client, PodSpec pod, String containerName, String namespace,
            String node, Path directory) {
        Container container = pod.getContainers().stream().filter(c -> c.getName().equals(containerName))
                .findFirst().orElseThrow(() -> new IllegalStateException("no container " + containerName + " in " + pod));
        Map<String, Path> mounts = new HashMap<>();
        List<MountedVolume> objectVolumes = new ArrayList<>();
        List<Path> objectDirectories = new ArrayList<>();
        for (VolumeMount mount : container.getVolumeMounts()) {
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("mount of undeclared volume " + mount.getName()));
            Path local = directory.resolve(volume.getName());
            if (volume.getSecret() != null) {
                objectVolumes.add(MountedVolume.secret(client, namespace, volume.getSecret().getSecretName(), local));
                objectDirectories.add(local);
            } else if (volume.getConfigMap() != null) {
                objectVolumes.add(MountedVolume.configMap(client, namespace, volume.getConfigMap().getName(), local));
                objectDirectories.add(local);
            } else if (volume.getEmptyDir() != null || volume.getHostPath() != null) {
                createDirectories(local);
            } else {
                throw new IllegalStateException("volume " + volume.getName() + ": only secret, configMap, emptyDir and"
                        + " hostPath are prepared for a local process");
            }
            mounts.put(mount.getMountPath(), local);
        }
        Map<String, String> environment = new HashMap<>();
        for (EnvVar variable : container.getEnv()) {
            environment.put(variable.getName(), value(client, variable, mounts, node, namespace));
        }
        return new RenderedContainer(environment, objectVolumes, objectDirectories);
    }

    /** The container's environment, ready for the local process. */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    /** Waits, as the kubelet does before it starts a container, until every Secret and ConfigMap volume has its files. */
    public RenderedContainer awaitVolumes(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!objectDirectories.stream().allMatch(d -> Files.exists(d.resolve("..data")))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the container's Secret and ConfigMap volumes are not all there after "
                        + timeout + ": " + objectDirectories);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for volumes", e);
            }
        }
        return this;
    }

    @Override
    public void close() {
        objectVolumes.forEach(MountedVolume::close);
    }

    private static String value(KubernetesClient client, EnvVar variable, Map<String, Path> mounts, String node,
            String namespace) {
        if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
            // As the kubelet does, once when the container starts; a missing Secret or key fails the start.
            var ref = variable.getValueFrom().getSecretKeyRef();
            var secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
            if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.getKey())) {
                throw new IllegalStateException("env " + variable.getName() + ": no key " + ref.getKey()
                        + " in Secret " + namespace + "/" + ref.getName());
            }
            return new String(java.util.Base64.getDecoder().decode(secret.getData().get(ref.getKey())),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        if (variable.getValueFrom() != null) {
            var field = variable.getValueFrom().getFieldRef();
            if (field != null && "spec.nodeName".equals(field.getFieldPath())) {
                return node;
            }
            if (field != null && "metadata.namespace".equals(field.getFieldPath())) {
                return namespace;
            }
            throw new IllegalStateException("env " + variable.getName()
                    + ": only Secret keys and the downward API's spec.nodeName and metadata.namespace are resolved");
        }
        String value = variable.getValue() == null ? "" : variable.getValue();
        for (var mount : mounts.entrySet()) {
            if (value.equals(mount.getKey()) || value.startsWith(mount.getKey() + "/")) {
                return mount.getValue() + value.substring(mount.getKey().length());
            }
        }
        return value;
    }

    private static void createDirectories(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
