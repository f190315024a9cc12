package dev.agentguard.webhook.injection;

import java.util.List;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;

/**
 * Recognizes the token volume the ServiceAccount admission plugin adds
 * ({@code kube-api-access-<suffix>}: a projected token for the API server's own
 * audience, the cluster CA and the namespace). That volume is the pod's one
 * legitimate credential and is moved into the shim; any other service-account
 * token projection is refused by the bypass rules.
 */
public final class TokenVolumes {

    private TokenVolumes() {
    }

    public static List<Volume> find(PodSpec spec) {
        return spec.getVolumes() == null ? List.of()
                : spec.getVolumes().stream().filter(TokenVolumes::isAdmissionTokenVolume).toList();
    }

    public static boolean isAdmissionTokenVolume(Volume volume) {
        if (volume.getName() == null || !volume.getName().startsWith(PodLayout.TOKEN_VOLUME_PREFIX)
                || volume.getProjected() == null || volume.getProjected().getSources() == null) {
            return false;
        }
        List<VolumeProjection> tokens = volume.getProjected().getSources().stream()
                .filter(source -> source.getServiceAccountToken() != null).toList();
        return tokens.size() == 1
                && (tokens.get(0).getServiceAccountToken().getAudience() == null
                        || tokens.get(0).getServiceAccountToken().getAudience().isEmpty());
    }

    public static boolean projectsServiceAccountToken(Volume volume) {
        return volume.getProjected() != null && volume.getProjected().getSources() != null
                && volume.getProjected().getSources().stream().anyMatch(s -> s.getServiceAccountToken() != null);
    }
}
