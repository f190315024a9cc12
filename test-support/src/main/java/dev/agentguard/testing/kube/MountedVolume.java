package dev.agentguard.testing.kube;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * What the kubelet does for a pod's Secret or ConfigMap volume, for an app the
 * test runs as a process: watches the object and rewrites the files
 * ({@link ProjectedFiles}) whenever it changes. Unlike the kubelet it does not
 * wait for its sync period, so a test sees the worst case: files change the
 * moment the object does.
 */
public final class MountedVolume implements AutoCloseable {

    private final ProjectedFiles files;
    private final SharedIndexInformer<?> informer;

    private <T extends HasMetadata> MountedVolume(Path directory, SharedIndexInformer<T> informer,
            Function<T, Map<String, String>> contents) {
        this.files = new ProjectedFiles(directory);
        this.informer = informer;
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T object) {
                files.write(contents.apply(object));
            }

            @Override
            public void onUpdate(T before, T after) {
                files.write(contents.apply(after));
            }

            @Override
            public void onDelete(T object, boolean unknownFinalState) {
                // The kubelet keeps the last files of a deleted object; so does this.
            }
        });
    }

    /** Mounts a Secret: its files appear once it exists, and follow every change. */
    public static MountedVolume secret(KubernetesClient client, String namespace, String name, Path directory) {
        SharedIndexInformer<Secret> informer = client.secrets().inNamespace(namespace).withName(name)
                .runnableInformer(0);
        MountedVolume volume = new MountedVolume(directory, informer, s -> s.getData() == null ? Map.of()
                : s.getData().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.UTF_8))));
        informer.run();
        return volume;
    }

    public static MountedVolume configMap(KubernetesClient client, String namespace, String name, Path directory) {
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(namespace).withName(name)
                .runnableInformer(0);
        MountedVolume volume = new MountedVolume(directory, informer,
                c -> c.getData() == null ? Map.of() : Map.copyOf(c.getData()));
        informer.run();
        return volume;
    }

    public Path path(String key) {
        return files.path(key);
    }

    @Override
    public void close() {
        informer.close();
    }
}
