package dev.agentguard.shim.credentials;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;

/**
 * What the agent gets instead of real credentials: a random token that only this
 * shim accepts, and a per-pod CA that signed the shim's own serving certificate.
 * Neither is worth anything outside the pod, and both die with it.
 */
public final class PlaceholderCredentials {

    // Outlives any pod; the CA never leaves the pod's memory.
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] token;
    private final CertificateAuthority ca;
    private final IssuedCertificate serving;

    private PlaceholderCredentials(byte[] token, CertificateAuthority ca, IssuedCertificate serving) {
        this.token = token;
        this.ca = ca;
        this.serving = serving;
    }

    public static PlaceholderCredentials generate() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        // Prefixed so that a leaked placeholder is recognizable in logs and reports.
        String token = "agentguard-placeholder." + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        CertificateAuthority ca = CertificateAuthority.create("agentguard-shim-ca", VALIDITY);
        IssuedCertificate serving = ca.issueServer("agentguard-shim", List.of("localhost"), List.of("127.0.0.1"),
                VALIDITY);
        return new PlaceholderCredentials(token.getBytes(StandardCharsets.US_ASCII), ca, serving);
    }

    public String token() {
        return new String(token, StandardCharsets.US_ASCII);
    }

    /** Constant-time check of a presented bearer token. */
    public boolean accepts(String presented) {
        return presented != null
                && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.US_ASCII));
    }

    public String caCertificatePem() {
        return ca.root().certificatePem();
    }

    public IssuedCertificate servingCertificate() {
        return serving;
    }
}
