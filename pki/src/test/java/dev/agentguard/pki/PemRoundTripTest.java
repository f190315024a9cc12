package dev.agentguard.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A CA written as PEM (as the operator stores it in a Secret) is read back and keeps issuing. */
class PemRoundTripTest {

    @Test
    void caReadBackFromPemIssuesCertificatesThatVerify() throws Exception {
        IssuedCertificate root = CertificateAuthority.create("ca", Duration.ofDays(1)).root();
        var cert = Pem.decodeCertificates(root.certificatePem()).get(0);
        var key = Pem.decodePrivateKey(root.privateKeyPem());
        CertificateAuthority again = CertificateAuthority.of(
                new IssuedCertificate(cert, new java.security.KeyPair(cert.getPublicKey(), key)));
        IssuedCertificate leaf = again.issueServer("leaf", List.of("x.svc"), List.of(), Duration.ofHours(1));
        leaf.certificate().verify(root.certificate().getPublicKey());
        assertThat(cert).isEqualTo(root.certificate());
    }

    @Test
    void aBundleDecodesToEveryCertificate() {
        var a = CertificateAuthority.create("a", Duration.ofDays(1)).root().certificate();
        var b = CertificateAuthority.create("b", Duration.ofDays(1)).root().certificate();
        assertThat(Pem.decodeCertificates(Pem.encode(a) + Pem.encode(b))).containsExactly(a, b);
    }
}
