package dev.agentguard.webhook.bypass;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.webhook.injection.PodLayout;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod cannot opt itself out: any {@code agentguard.dev/} label or annotation
 * on it (other than the webhook's own record of what it did) is refused, so no
 * spelling of "skip me" ever works. Only an admin's configuration exempts a pod.
 */
public final class OptOutRule implements BypassRule {

    private static final String PREFIX = AgentGuard.GROUP + "/";

    @Override
    public List<String> violations(Pod pod, String namespace) {
        return Stream.concat(keys("label", pod.getMetadata().getLabels()),
                        keys("annotation", pod.getMetadata().getAnnotations()))
                .toList();
    }

    private static Stream<String> keys(String kind, Map<String, String> entries) {
        if (entries == null) {
            return Stream.empty();
        }
        return entries.keySet().stream()
                .filter(key -> key.startsWith(PREFIX) && !key.equals(PodLayout.INJECTED_ANNOTATION))
                .sorted()
                .map(key -> kind + " " + key + " cannot opt a pod out of agentguard; remove it"
                        + " (only a cluster admin can exempt workloads, in the webhook's configuration)");
    }
}
