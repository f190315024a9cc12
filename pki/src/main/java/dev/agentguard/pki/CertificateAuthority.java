package dev.agentguard.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A minimal certificate authority: a self-signed root that issues serving and
 * client certificates. CA and serving keys are ECDSA P-256: fast to generate,
 * which matters to the exec-shim's start-up, and accepted by Go, Java and
 * OpenSSL peers.
 */
public final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    private final IssuedCertificate root;

    private CertificateAuthority(IssuedCertificate root) {
        this.root = root;
    }

    /** A new self-signed root, valid for {@code validity}. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        KeyPair keys = Keys.ecP256();
        X500Name subject = name(commonName, null);
        IssuedCertificate root = sign(subject, keys, subject, keys, validity, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        });
        return new CertificateAuthority(root);
    }

    /** An existing root (e.g. read back from a Secret) that keeps issuing; {@code root} must hold its key. */
    public static CertificateAuthority of(IssuedCertificate root) {
        return new CertificateAuthority(root);
    }

    /** The root certificate and key; the certificate is what clients trust. */
    public IssuedCertificate root() {
        return root;
    }

    /** A serving certificate for the given DNS names and IP addresses. */
    public IssuedCertificate issueServer(String commonName, List<String> dnsNames, List<String> ipAddresses,
            Duration validity) {
        List<GeneralName> sans = new ArrayList<>();
        dnsNames.forEach(dns -> sans.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
        return sign(name(commonName, null), Keys.ecP256(), rootSubject(), root.keyPair(), validity, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
        });
    }

    /**
     * A client certificate. Kubernetes reads the user name from the common name
     * and the group from the organization. The key is RSA: kubeconfig carries no
     * key algorithm and clients such as fabric8 assume RSA when reading it.
     */
    public IssuedCertificate issueClient(String user, String group, Duration validity) {
        return sign(name(user, group), Keys.rsa2048(), rootSubject(), root.keyPair(), validity, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        });
    }

    private X500Name rootSubject() {
        return X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded());
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

    private static IssuedCertificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer,
            KeyPair issuerKeys, Duration validity, Extensions extensions) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    // Backdated so a peer whose clock is slightly behind still accepts it.
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)),
                    subject, subjectKeys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            extensions.add(builder);
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new IssuedCertificate(certificate, subjectKeys);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        }
    }
}
