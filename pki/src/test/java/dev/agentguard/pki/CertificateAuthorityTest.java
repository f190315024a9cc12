package dev.agentguard.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    private final CertificateAuthority ca = CertificateAuthority.create("test-ca", Duration.ofHours(1));

    @Test
    void serverCertificateIsSignedByTheRootAndNamesItsAddresses() throws Exception {
        IssuedCertificate server = ca.issueServer("shim", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofHours(1));

        server.certificate().verify(ca.root().certificate().getPublicKey());
        assertThat(server.certificate().getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(server.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(server.certificate().getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.root().certificate().getBasicConstraints()).isZero();
    }

    @Test
    void clientCertificateCarriesUserAndGroup() throws Exception {
        IssuedCertificate client = ca.issueClient("alice", "system:masters", Duration.ofHours(1));

        assertThat(client.certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=alice,O=system:masters");
        assertThat(client.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void anotherRootDoesNotVerifyIt() {
        IssuedCertificate server = ca.issueServer("shim", List.of("localhost"), List.of(), Duration.ofHours(1));
        CertificateAuthority other = CertificateAuthority.create("other", Duration.ofHours(1));

        assertThatThrownBy(() -> server.certificate().verify(other.root().certificate().getPublicKey()))
                .isInstanceOf(SignatureException.class);
    }

    @Test
    void pemRoundTripsThroughTheJdkParser() throws Exception {
        String pem = ca.root().certificatePem();

        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));

        assertThat(parsed).isEqualTo(ca.root().certificate());
        assertThat(ca.root().privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }
}
