package dev.agentguard.testing.oidc;

/**
 * What a relying party (the kube-apiserver, the console) needs to trust an OIDC provider: its
 * issuer URL (https), the CA of its serving certificate, and the audience its tokens carry.
 */
public record OidcIssuer(String url, String caPem, String audience) {
}
