package dev.agentguard.webhook.tls;

import java.security.GeneralSecurityException;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.agentguard.relay.tls.ServingKeyManager;
import dev.agentguard.relay.tls.TlsFileReloader;
import io.quarkus.tls.runtime.KeyStoreAndKeyCertOptions;
import io.quarkus.tls.runtime.KeyStoreProvider;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;

/**
 * The key store of the TLS configuration the webhook's HTTPS server uses
 * ({@code quarkus.http.tls-configuration-name}): the mounted pair, served through a
 * {@link ServingKeyManager} and swapped in place when the files change.
 *
 * <p>Quarkus's own reloading ({@code quarkus.http.ssl.certificate.reload-period}) goes through
 * Vert.x's {@code HttpServer.updateSSLOptions}, which closes connections accepted while the
 * new certificate loads: the API server does not retry an admission call, so a pod creation
 * would fail at every rotation. It also refuses periods under 30 s.
 */
@ApplicationScoped
@Identifier(ServingCertificate.TLS_CONFIGURATION)
public class ServingCertificate implements KeyStoreProvider {

    public static final String TLS_CONFIGURATION = "agentguard-webhook";

    private final ServingTlsConfig config;
    private KeyStoreAndKeyCertOptions loaded;
    private TlsFileReloader reloader;

    public ServingCertificate(ServingTlsConfig config) {
        this.config = config;
    }

    @Override
    public synchronized KeyStoreAndKeyCertOptions getKeyStore(Vertx vertx) {
        if (loaded == null) {
            PemKeyCertOptions pair = new PemKeyCertOptions()
                    .setCertPath(config.certFile().toString())
                    .setKeyPath(config.keyFile().toString());
            // Before the files are first read: a rotation while they are is seen by the first check.
            reloader = new TlsFileReloader(List.of(config.certFile(), config.keyFile()),
                    () -> new SSLOptions().setKeyCertOptions(pair.copy()));
            try {
                ServingKeyManager keys = ServingKeyManager.load(vertx, pair);
                loaded = new KeyStoreAndKeyCertOptions(pair.loadKeyStore(vertx), KeyCertOptions.wrap(keys));
                reloader.start(vertx, config.reloadPeriod(), (options, force) -> keys.reload(vertx, options));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot serve " + config.certFile() + ": " + e.getMessage(), e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + config.certFile() + " and " + config.keyFile()
                        + ": " + e.getMessage(), e);
            }
        }
        return loaded;
    }

    @PreDestroy
    synchronized void close() {
        if (reloader != null) {
            reloader.close();
        }
    }
}
