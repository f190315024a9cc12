package dev.agentguard.recordings;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Trust for the node proxies: their certificate must chain to the operator's
 * CA bundle (ConfigMap {@value #CONFIG_MAP}, key {@code ca.crt}, in the system
 * namespace) and carry the DNS name {@code agentguard-proxy.<ns>.svc}, although
 * the connection goes to a node IP. The trust manager checks the chain with the
 * JDK's PKIX validation and then the name itself, because the JDK's endpoint
 * identification would compare the certificate with the IP connected to. Nothing
 * is ever accepted unverified.
 */
public final class ProxyTrust {

    public static final String CONFIG_MAP = "agentguard-proxy-ca";
    public static final String KEY = "ca.crt";

    private ProxyTrust() {
    }

    /** The bundle from the system namespace, with the caller's client. */
    public static String bundle(KubernetesClient client, String systemNamespace) {
        ConfigMap cm = client.configMaps().inNamespace(systemNamespace).withName(CONFIG_MAP).get();
        String pem = cm == null || cm.getData() == null ? null : cm.getData().get(KEY);
        if (pem == null || pem.isBlank()) {
            throw new RecordingException(0, "configmap " + systemNamespace + "/" + CONFIG_MAP
                    + " has no " + KEY + ": the operator publishes the proxies' CA there");
        }
        return pem;
    }

    /** A TLS context that accepts only a certificate from the bundle's CAs naming {@code serverName}. */
    public static SSLContext context(String bundlePem, String serverName) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends java.security.cert.Certificate> cas = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bundlePem.getBytes(StandardCharsets.US_ASCII)));
            if (cas.isEmpty()) {
                throw new RecordingException(0, "the proxies' CA bundle holds no certificate");
            }
            int i = 0;
            for (var ca : cas) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            X509TrustManager pkix = (X509TrustManager) factory.getTrustManagers()[0];
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new NamedServerTrust(pkix, serverName)}, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new RecordingException("cannot use the proxies' CA bundle: " + e.getMessage(), e);
        }
    }

    /** PKIX chain validation, then an exact (case-insensitive) match of a DNS subjectAltName. */
    static final class NamedServerTrust extends X509ExtendedTrustManager {

        private final X509TrustManager pkix;
        private final String serverName;

        NamedServerTrust(X509TrustManager pkix, String serverName) {
            this.pkix = pkix;
            this.serverName = serverName.toLowerCase(Locale.ROOT);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            checkName(chain[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        private void checkName(X509Certificate leaf) throws CertificateException {
            Collection<List<?>> names;
            try {
                names = leaf.getSubjectAlternativeNames();
            } catch (CertificateParsingException e) {
                throw new CertificateException("the proxy's certificate has unreadable subjectAltNames", e);
            }
            if (names != null) {
                for (List<?> name : names) {
                    // 2 = dNSName
                    if (Integer.valueOf(2).equals(name.get(0))
                            && serverName.equals(String.valueOf(name.get(1)).toLowerCase(Locale.ROOT))) {
                        return;
                    }
                }
            }
            throw new CertificateException("the proxy's certificate is not for " + serverName);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }
}
