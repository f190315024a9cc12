package dev.agentguard.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;

/** A certificate and its key pair. */
public record IssuedCertificate(X509Certificate certificate, KeyPair keyPair) {

    public String certificatePem() {
        return Pem.encode(certificate);
    }

    /** PKCS#8 PEM of the private key. */
    public String privateKeyPem() {
        return Pem.encode(keyPair.getPrivate());
    }
}
