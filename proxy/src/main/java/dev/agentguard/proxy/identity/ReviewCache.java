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
import java.util.function.Function;

/**
 * What a TokenReview said of a token, kept for a short while so that every request does not
 * cost the API server a review. Keyed by the token's SHA-256, never the token; an entry lasts
 * the TTL or until the token itself expires, whichever is sooner. Failed reviews throw and are
 * not kept. Bounded: when full, expired entries go, and if that is not enough, all of them.
 */
final class ReviewCache<T> {

    private static final int MAX_ENTRIES = 10_000;

    private record Cached<T>(T value, Instant until) {
    }

    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Cached<T>> cache = new ConcurrentHashMap<>();

    ReviewCache(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /** What the last review said of this token, if it is still fresh; never reviews. */
    Optional<T> cached(String token) {
        Cached<T> cached = cache.get(sha256(token));
        return cached != null && clock.instant().isBefore(cached.until()) ? Optional.of(cached.value())
                : Optional.empty();
    }

    T get(String token, Function<String, T> review) {
        String digest = sha256(token);
        Instant now = clock.instant();
        Cached<T> cached = cache.get(digest);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.value();
        }
        T value = review.apply(token);
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
        cache.put(digest, new Cached<>(value, until));
        return value;
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
