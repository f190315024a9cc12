package dev.agentguard.proxy.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
    private static final int MAX_ENTRIES = 10_000;

    private record Cached(PodIdentity identity, Instant until) {
    }

    private final KubernetesClient client;
    private final String nodeName;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public Authenticator(KubernetesClient client, String nodeName, Duration ttl, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.ttl = ttl;
        this.clock = clock;
    }

    public PodIdentity authenticate(String token) {
        String digest = sha256(token);
        Instant now = clock.instant();
        Cached cached = cache.get(digest);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.identity();
        }
        PodIdentity identity = review(token);
        Instant until = now.plus(ttl);
        Optional<Instant> expiry = TokenExpiry.of(token);
        if (expiry.isPresent() && expiry.get().isBefore(until)) {
            until = expiry.get();
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.values().removeIf(c -> !now.isBefore(c.until()));
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(digest, new Cached(identity, until));
        return identity;
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

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
