package dev.agentguard.proxy.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Authenticates any bearer token the API server accepts (OIDC users when it
 * trusts the provider, ServiceAccount tokens), unlike {@link Authenticator},
 * which admits only this node's pods. Used by the people-facing endpoints.
 *
 * <p>Successful reviews are cached briefly by the token's SHA-256 (never the
 * token), bounded by the token's own expiry. Failures are not cached. Blocking.
 */
public final class UserAuthenticator {

    private static final int MAX_ENTRIES = 10_000;

    private record Cached(ReviewedUser user, Instant until) {
    }

    private final KubernetesClient client;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public UserAuthenticator(KubernetesClient client, Duration ttl, Clock clock) {
        this.client = client;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The token's user; {@link AuthenticationException} (401) when the API server does not accept it. */
    public ReviewedUser authenticate(String token) {
        String digest = sha256(token);
        Instant now = clock.instant();
        Cached cached = cache.get(digest);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.user();
        }
        TokenReview review = client.tokenReviews().create(new TokenReviewBuilder().withNewSpec().withToken(token)
                .endSpec().build());
        if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                || review.getStatus().getUser() == null || review.getStatus().getUser().getUsername() == null) {
            throw new AuthenticationException(401, "Unauthorized: the bearer token was not accepted by the API server");
        }
        UserInfo info = review.getStatus().getUser();
        ReviewedUser user = new ReviewedUser(info.getUsername(), info.getUid(), info.getGroups(), info.getExtra());
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
        cache.put(digest, new Cached(user, until));
        return user;
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
