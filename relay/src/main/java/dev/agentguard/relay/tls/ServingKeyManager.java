package dev.agentguard.relay.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SSLOptions;

/**
 * A server's certificate that can be replaced while it serves: every handshake asks this key
 * manager, which answers from the pair installed last.
 *
 * <p>Why not {@code HttpServer.updateSSLOptions}: Vert.x 4.5 installs the new SSL context as a
 * pending future that its acceptor reads without waiting, and closes connections accepted in the
 * milliseconds while the new certificate loads. Here the pair is loaded and checked first, then
 * installed with one write; a handshake never meets a half-installed certificate.
 *
 * <p>The JDK asks for the key and the chain in separate calls. The alias handed out names the
 * version it came from, so both come from the same pair even if a swap falls between the calls.
 *
 * <p>Install with {@link KeyCertOptions#wrap(javax.net.ssl.X509KeyManager)}.
 */
public final class ServingKeyManager extends X509ExtendedKeyManager {

    private static final int VERSIONS_KEPT = 4;

    private final AtomicLong versions = new AtomicLong();
    private final Map<Long, X509ExtendedKeyManager> installed = new LinkedHashMap<>();
    private volatile long current;

    private ServingKeyManager() {
    }

    /** Loads the first pair; fails as a server start would when it does not load or does not match. */
    public static ServingKeyManager load(Vertx vertx, KeyCertOptions pair) throws GeneralSecurityException {
        ServingKeyManager manager = new ServingKeyManager();
        manager.install(loaded(vertx, pair));
        return manager;
    }

    /**
     * A {@link TlsFileReloader.Updater}: loads and checks the pair in {@code options}, then installs
     * it. A pair that does not load or whose key does not match its certificate is refused and the
     * one in force kept.
     */
    public Future<Boolean> reload(Vertx vertx, SSLOptions options) {
        // Ordered: reloads asked for from one context (the reloader's timer) install in that order.
        return vertx.executeBlocking(() -> {
            install(loaded(vertx, options.getKeyCertOptions()));
            return true;
        }, true);
    }

    private synchronized void install(X509ExtendedKeyManager manager) {
        long version = versions.incrementAndGet();
        installed.put(version, manager);
        // A handshake between its two calls may still name a recent version; older ones are done.
        installed.keySet().removeIf(v -> v <= version - VERSIONS_KEPT);
        current = version;
    }

    private static X509ExtendedKeyManager loaded(Vertx vertx, KeyCertOptions pair) throws GeneralSecurityException {
        KeyManager[] managers;
        try {
            managers = pair.getKeyManagerFactory(vertx).getKeyManagers();
        } catch (Exception e) {
            throw new GeneralSecurityException("cannot load the serving certificate: " + e.getMessage(), e);
        }
        if (managers.length != 1 || !(managers[0] instanceof X509ExtendedKeyManager manager)) {
            throw new GeneralSecurityException("expected one X.509 key manager, got " + managers.length);
        }
        String alias = firstAlias(manager);
        X509Certificate[] chain = manager.getCertificateChain(alias);
        PrivateKey key = manager.getPrivateKey(alias);
        if (chain == null || chain.length == 0 || key == null) {
            throw new GeneralSecurityException("the serving certificate or its key is missing");
        }
        requireMatch(chain[0], key);
        return manager;
    }

    private static String firstAlias(X509ExtendedKeyManager manager) throws GeneralSecurityException {
        for (String type : new String[] {"EC", "RSA", "RSASSA-PSS", "EdDSA", "Ed25519"}) {
            String[] aliases = manager.getServerAliases(type, null);
            if (aliases != null && aliases.length > 0) {
                return aliases[0];
            }
        }
        throw new GeneralSecurityException("the serving certificate has no key the server can use");
    }

    /** Vert.x would take a certificate with someone else's key, and every handshake would fail. */
    private static void requireMatch(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(challenge);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(challenge);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate "
                    + certificate.getSubjectX500Principal());
        }
    }

    // Aliases are "<version>/<alias>": the key and the chain of one handshake come from one pair.

    private X509ExtendedKeyManager at(String alias) {
        int slash = alias == null ? -1 : alias.indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            synchronized (this) {
                return installed.get(Long.parseLong(alias.substring(0, slash)));
            }
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private synchronized VersionedManager now() {
        return new VersionedManager(current, installed.get(current));
    }

    private record VersionedManager(long version, X509ExtendedKeyManager manager) {
        String tag(String alias) {
            return alias == null ? null : version + "/" + alias;
        }

        String[] tag(String[] aliases) {
            if (aliases == null) {
                return null;
            }
            String[] tagged = new String[aliases.length];
            for (int i = 0; i < aliases.length; i++) {
                tagged[i] = tag(aliases[i]);
            }
            return tagged;
        }
    }

    private static String untag(String alias) {
        return alias.substring(alias.indexOf('/') + 1);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        VersionedManager now = now();
        return now.tag(now.manager().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        VersionedManager now = now();
        return now.tag(now.manager().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        VersionedManager now = now();
        return now.tag(now.manager().getServerAliases(keyType, issuers));
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509ExtendedKeyManager manager = at(alias);
        return manager == null ? null : manager.getCertificateChain(untag(alias));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        X509ExtendedKeyManager manager = at(alias);
        return manager == null ? null : manager.getPrivateKey(untag(alias));
    }

    // A server's key manager presents no client certificate.

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
