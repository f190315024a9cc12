package dev.agentguard.testing.oidc;

/** The tokens of one grant. */
public record Tokens(String accessToken, String idToken) {
}
