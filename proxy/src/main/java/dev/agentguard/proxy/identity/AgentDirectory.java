package dev.agentguard.proxy.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.agentguard.api.policy.AgentIdentity;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Adds what policies select on to an authenticated pod: its labels and its
 * namespace's labels, read from the API server (not from the agent) and reused
 * for a short while. Blocking: call from a worker thread.
 */
public final class AgentDirectory {

    private record Cached(AgentIdentity agent, Instant until) {
    }

    private final KubernetesClient client;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> byPodUid = new ConcurrentHashMap<>();

    public AgentDirectory(KubernetesClient client, Duration ttl, Clock clock) {
        this.client = client;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The agent behind this pod if it was looked up within the TTL, without blocking. */
    public Optional<AgentIdentity> cached(PodIdentity pod) {
        Cached cached = byPodUid.get(pod.podUid());
        return cached != null && clock.instant().isBefore(cached.until()) ? Optional.of(cached.agent())
                : Optional.empty();
    }

    public AgentIdentity describe(PodIdentity pod) {
        Instant now = clock.instant();
        Cached cached = byPodUid.get(pod.podUid());
        if (cached != null && now.isBefore(cached.until())) {
            return cached.agent();
        }
        Pod found = client.pods().inNamespace(pod.namespace()).withName(pod.podName()).get();
        if (found == null || !pod.podUid().equals(found.getMetadata().getUid())) {
            throw new AuthenticationException(401, "Unauthorized: pod " + pod.namespace() + "/" + pod.podName()
                    + " no longer exists");
        }
        Namespace namespace = client.namespaces().withName(pod.namespace()).get();
        AgentIdentity agent = new AgentIdentity(pod.namespace(), pod.serviceAccount(), pod.podName(),
                found.getMetadata().getLabels(), namespace == null ? Map.of() : namespace.getMetadata().getLabels());
        byPodUid.entrySet().removeIf(e -> !now.isBefore(e.getValue().until()));
        byPodUid.put(pod.podUid(), new Cached(agent, now.plus(ttl)));
        return agent;
    }
}
