package dev.agentguard.webhook.bypass;

import java.nio.file.Path;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;

/**
 * Refuses hostPath volumes at, above or below a protected node path (kubelet
 * state, where every pod's projected token lives; {@code /proc}; the node's
 * agentguard state). Paths are normalized first, so {@code /var/lib/../lib/kubelet}
 * and {@code /} are caught too.
 */
public final class HostPathRule implements BypassRule {

    private final List<Path> protectedPaths;

    public HostPathRule(List<String> protectedPaths) {
        this.protectedPaths = protectedPaths.stream().map(HostPathRule::normalize).toList();
    }

    @Override
    public List<String> violations(Pod pod, String namespace) {
        List<Volume> volumes = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
        return volumes.stream()
                .filter(v -> v.getHostPath() != null && v.getHostPath().getPath() != null)
                .filter(v -> overlapsProtected(normalize(v.getHostPath().getPath())))
                .map(v -> "volume " + v.getName() + " mounts host path " + v.getHostPath().getPath()
                        + ", which exposes node credentials (protected: " + protectedPaths
                        + "); use a different path")
                .toList();
    }

    private boolean overlapsProtected(Path hostPath) {
        return protectedPaths.stream().anyMatch(p -> p.startsWith(hostPath) || hostPath.startsWith(p));
    }

    private static Path normalize(String path) {
        return Path.of("/").resolve(path.trim()).normalize();
    }
}
