package dev.agentguard.testing.kube;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The throw-away PKI of one test control plane: a CA, the API server's serving
 * certificate, client certificates for admin and controllers, and the
 * service-account signing key. Nothing here outlives the test run.
 */
final class Pki {

    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its key, both PEM-encodable. */
    record Issued(X509Certificate certificate, KeyPair keyPair) {

        String certificatePem() {
            return pem(certificate);
        }

        String privateKeyPem() {
            return pem(keyPair.getPrivate());
        }
    }

    private final Issued ca;

    private Pki(Issued ca) {
        this.ca = ca;
    }

    static Pki newCa(String commonName) {
        KeyPair keys = rsa();
        X500Name subject = name(commonName, null);
        Issued ca = sign(subject, keys, subject, keys, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        });
        return new Pki(ca);
    }

    Issued ca() {
        return ca;
    }

    /** A serving certificate valid for the given DNS names and IP addresses. */
    Issued server(String commonName, List<String> dnsNames, List<String> ipAddresses) {
        KeyPair keys = rsa();
        List<GeneralName> sans = new ArrayList<>();
        dnsNames.forEach(dns -> sans.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
        return sign(name(commonName, null), keys, caSubject(), ca.keyPair(), builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
        });
    }

    /** A client certificate: the API server reads the user from CN and groups from O. */
    Issued client(String user, String group) {
        KeyPair keys = rsa();
        return sign(name(user, group), keys, caSubject(), ca.keyPair(), builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        });
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available in this JVM", e);
        }
    }

    static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException("cannot PEM-encode " + object.getClass().getSimpleName(), e);
        }
        return out.toString();
    }

    private X500Name caSubject() {
        return X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    }

    private static X500Name name(String commonName, String organization) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        if (organization != null) {
            builder.addRDN(BCStyle.O, organization);
        }
        return builder.addRDN(BCStyle.CN, commonName).build();
    }

    @FunctionalInterface
    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws IOException;
    }

    private static Issued sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
            Extensions extensions) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)),
                    subject, subjectKeys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            extensions.add(builder);
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new Issued(certificate, subjectKeys);
        } catch (IOException | GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot issue certificate for " + subject, e);
        }
    }
}
