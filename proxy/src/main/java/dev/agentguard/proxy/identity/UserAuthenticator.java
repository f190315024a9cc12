package dev.agentguard.proxy.identity;

import java.time.Clock;
import java.time.Duration;

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

    private final KubernetesClient client;
    private final ReviewCache<ReviewedUser> cache;

    public UserAuthenticator(KubernetesClient client, Duration ttl, Clock clock) {
        this.client = client;
        this.cache = new ReviewCache<>(ttl, clock);
    }

    /** The token's user; {@link AuthenticationException} (401) when the API server does not accept it. */
    public ReviewedUser authenticate(String token) {
        return cache.get(token, this::review);
    }

    private ReviewedUser review(String token) {
        TokenReview review = client.tokenReviews().create(new TokenReviewBuilder().withNewSpec().withToken(token)
                .endSpec().build());
        if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                || review.getStatus().getUser() == null || review.getStatus().getUser().getUsername() == null) {
            throw new AuthenticationException(401, "Unauthorized: the bearer token was not accepted by the API server");
        }
        UserInfo info = review.getStatus().getUser();
        return new ReviewedUser(info.getUsername(), info.getUid(), info.getGroups(), info.getExtra());
    }
}
