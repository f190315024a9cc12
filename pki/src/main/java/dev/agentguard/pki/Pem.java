package dev.agentguard.pki;

import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** PEM encoding of certificates (CERTIFICATE), private keys (PKCS#8) and public keys (SPKI). */
public final class Pem {

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    public static String encode(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    public static String encode(Key key) {
        if (key instanceof PrivateKey) {
            return block("PRIVATE KEY", key.getEncoded());
        }
        if (key instanceof PublicKey) {
            return block("PUBLIC KEY", key.getEncoded());
        }
        throw new IllegalArgumentException("not a private or public key: " + key.getAlgorithm());
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
