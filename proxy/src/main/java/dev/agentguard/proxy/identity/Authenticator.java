package dev.agentguard.proxy.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Establishes which pod a request comes from: TokenReview of the forwarded
 * pod-bound token, then a check that the pod runs on this node (a proxy serves
 * only its own node's pods, so a token stolen from another node is useless here).
 *
 * <p>Results are cached by the token's SHA-256 (never the token itself) until the
 * token expires or the configured TTL passes, whichever is first. Blocking: call
 * from a worker thread.
 */
public final class Authenticator {

    static final String POD_NAME = "authentication.kubernetes.io/pod-name";
    static final String POD_UID = "authentication.kubernetes.io/pod-uid";
    static final String NODE_NAME = "authentication.kubernetes.io/node-name";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private final KubernetesClient client;
    private final String nodeName;
    private final ReviewCache<PodIdentity> cache;

    public Authenticator(KubernetesClient client, String nodeName, Duration ttl, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.cache = new ReviewCache<>(ttl, clock);
    }

    public PodIdentity authenticate(String token) {
        return cache.get(token, this::review);
    }

    /** The identity a fresh cached review gave this token, without blocking; empty if it needs a review. */
    public Optional<PodIdentity> cached(String token) {
        return cache.cached(token);
    }

    private PodIdentity review(String token) {
        TokenReview review = client.tokenReviews().create(new TokenReviewBuilder().withNewSpec().withToken(token)
                .endSpec().build());
        if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
            throw new AuthenticationException(401, "Unauthorized: the pod's token was not accepted by the API server");
        }
        UserInfo user = review.getStatus().getUser();
        String username = user.getUsername();
        Optional<String> podName = first(user.getExtra(), POD_NAME);
        Optional<String> podUid = first(user.getExtra(), POD_UID);
        if (username == null || !username.startsWith(SERVICE_ACCOUNT_PREFIX) || podName.isEmpty()
                || podUid.isEmpty()) {
            throw new AuthenticationException(401,
                    "Unauthorized: agentguard accepts only pod-bound service-account tokens");
        }
        String[] parts = username.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", 2);
        if (parts.length != 2) {
            throw new AuthenticationException(401, "Unauthorized: malformed service-account user name");
        }
        Optional<String> node = first(user.getExtra(), NODE_NAME);
        PodIdentity identity = new PodIdentity(parts[0], parts[1], podName.get(), podUid.get(),
                node.isPresent() ? node : nodeOfPod(parts[0], podName.get()));
        if (identity.nodeName().isEmpty() || !identity.nodeName().get().equals(nodeName)) {
            throw new AuthenticationException(403, "Forbidden: pod " + identity.namespace() + "/"
                    + identity.podName() + " runs on node " + identity.nodeName().orElse("(none)")
                    + ", but this agentguard proxy serves node " + nodeName);
        }
        return identity;
    }

    private Optional<String> nodeOfPod(String namespace, String name) {
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        return pod == null || pod.getSpec() == null ? Optional.empty() : Optional.ofNullable(pod.getSpec().getNodeName());
    }

    private static Optional<String> first(Map<String, List<String>> extra, String key) {
        if (extra == null || extra.get(key) == null || extra.get(key).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(extra.get(key).get(0));
    }
}
