package dev.agentguard.testing.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.agentguard.pki.CertificateAuthority;
import dev.agentguard.pki.IssuedCertificate;

/**
 * A serving certificate for 127.0.0.1/localhost from a fresh CA, written as
 * {@code tls.crt}, {@code tls.key} and {@code ca.crt} in a temporary directory,
 * as a Secret-mounted certificate would be.
 */
public record TestTls(CertificateAuthority ca, Path directory) {

    public static TestTls issue(String name) {
        return issue(name, List.of());
    }

    /** The same, also valid for these DNS names (a Service name a client verifies while connecting to an IP). */
    public static TestTls issue(String name, List<String> moreDnsNames) {
        CertificateAuthority ca = CertificateAuthority.create(name + "-ca", Duration.ofHours(6));
        List<String> dnsNames = new java.util.ArrayList<>(List.of("localhost"));
        dnsNames.addAll(moreDnsNames);
        IssuedCertificate serving = ca.issueServer(name, dnsNames, List.of("127.0.0.1"),
                Duration.ofHours(6));
        try {
            Path dir = Files.createTempDirectory(name + "-tls");
            Files.writeString(dir.resolve("tls.crt"), serving.certificatePem());
            Files.writeString(dir.resolve("tls.key"), serving.privateKeyPem());
            Files.writeString(dir.resolve("ca.crt"), ca.root().certificatePem());
            return new TestTls(ca, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path certificate() {
        return directory.resolve("tls.crt");
    }

    public Path key() {
        return directory.resolve("tls.key");
    }

    public Path caCertificate() {
        return directory.resolve("ca.crt");
    }

    public String caPem() {
        return ca.root().certificatePem();
    }
}
