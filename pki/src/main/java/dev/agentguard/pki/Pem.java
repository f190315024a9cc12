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

    /** Every CERTIFICATE block in {@code pem}, in order (a bundle may hold several). */
    public static java.util.List<X509Certificate> decodeCertificates(String pem) {
        try {
            var factory = java.security.cert.CertificateFactory.getInstance("X.509");
            java.util.List<X509Certificate> out = new java.util.ArrayList<>();
            for (var c : factory.generateCertificates(
                    new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate bundle", e);
        }
    }

    /** A PKCS#8 ("PRIVATE KEY") EC or RSA private key, as {@link #encode(Key)} writes it. */
    public static PrivateKey decodePrivateKey(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(body);
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return java.security.KeyFactory.getInstance(algorithm)
                        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
            } catch (java.security.GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("not a PKCS#8 EC or RSA private key");
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
