package dev.agentguard.proxy.identity;

import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the {@code exp} claim of a JWT without verifying it: used only to stop
 * reusing a TokenReview result once the token has expired. TokenReview remains
 * the only judge of whether the token is valid.
 */
final class TokenExpiry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenExpiry() {
    }

    static Optional<Instant> of(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode exp = claims.get("exp");
            return exp != null && exp.canConvertToLong() ? Optional.of(Instant.ofEpochSecond(exp.asLong()))
                    : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
