package dev.agentguard.webhook.bypass;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.agentguard.webhook.injection.TokenVolumes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;

/**
 * Refuses credentials the pod would bring past the shim: service-account token
 * projections other than the one ServiceAccount admission adds (which the shim
 * takes over), and service-account-token Secrets used as volumes or environment.
 *
 * <p>A referenced Secret that does not exist yet cannot be judged, so it is
 * refused too (fail closed); controllers retry, and the pod is admitted once the
 * Secret exists and is not a token.
 */
public final class OwnTokenRule implements BypassRule {

    private final SecretTypes secretTypes;

    public OwnTokenRule(SecretTypes secretTypes) {
        this.secretTypes = secretTypes;
    }

    @Override
    public List<String> violations(Pod pod, String namespace) {
        PodSpec spec = pod.getSpec();
        List<String> found = new ArrayList<>();
        // Secret name -> where it is used, in spec order.
        Map<String, String> secretUses = new LinkedHashMap<>();

        for (Volume volume : nullToEmpty(spec.getVolumes())) {
            if (TokenVolumes.projectsServiceAccountToken(volume) && !TokenVolumes.isAdmissionTokenVolume(volume)) {
                found.add("volume " + volume.getName() + " projects a service-account token of its own;"
                        + " remove it (the pod's token is held by the agentguard shim)");
            }
            if (volume.getSecret() != null) {
                secretUses.putIfAbsent(volume.getSecret().getSecretName(), "volume " + volume.getName());
            }
            if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
                volume.getProjected().getSources().stream()
                        .filter(s -> s.getSecret() != null)
                        .forEach(s -> secretUses.putIfAbsent(s.getSecret().getName(), "volume " + volume.getName()));
            }
        }
        containers(spec).forEach(container -> {
            nullToEmpty(container.getEnv()).stream()
                    .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .forEach(e -> secretUses.putIfAbsent(e.getValueFrom().getSecretKeyRef().getName(),
                            "env " + e.getName() + " of container " + container.getName()));
            nullToEmpty(container.getEnvFrom()).stream()
                    .filter(e -> e.getSecretRef() != null)
                    .forEach(e -> secretUses.putIfAbsent(e.getSecretRef().getName(),
                            "envFrom of container " + container.getName()));
        });

        secretUses.forEach((secret, use) -> {
            Optional<String> type = secretTypes.typeOf(namespace, secret);
            if (type.isEmpty()) {
                found.add(use + " uses Secret " + secret + ", which does not exist, so agentguard cannot check"
                        + " that it is not a service-account token; create the Secret first");
            } else if (SecretTypes.SERVICE_ACCOUNT_TOKEN.equals(type.get())) {
                found.add(use + " uses Secret " + secret + " of type " + SecretTypes.SERVICE_ACCOUNT_TOKEN
                        + "; remove it (the pod's token is held by the agentguard shim)");
            }
        });
        return found;
    }

    private static Stream<Container> containers(PodSpec spec) {
        return Stream.concat(nullToEmpty(spec.getInitContainers()).stream(),
                nullToEmpty(spec.getContainers()).stream());
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
