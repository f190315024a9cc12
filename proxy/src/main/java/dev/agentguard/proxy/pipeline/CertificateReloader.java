package dev.agentguard.proxy.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLOptions;

/**
 * Swaps the serving certificate of a running {@link HttpServer} when the PEM files change on disk.
 *
 * <p>The operator rotates {@code agentguard-proxy-tls}; the kubelet rewrites the mounted Secret files
 * (an atomic symlink swap) within about a minute. Restarting the DaemonSet for that would drop every
 * agent's in-flight requests and exec sessions, so the proxy polls the files' modification time and
 * size with a cheap Vert.x timer and hands new {@link SSLOptions} to {@link HttpServer#updateSSLOptions}:
 * new TLS handshakes use the new certificate, open connections are untouched.
 *
 * <p>A half-written pair (certificate and key not matching, or unreadable) is refused by Vert.x; the
 * server keeps the previous certificate and the next tick tries again.
 */
public final class CertificateReloader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CertificateReloader.class);

    private final Vertx vertx;
    private final HttpServer server;
    private final Path certFile;
    private final Path keyFile;
    private volatile String lastSeen;
    private final long timer;

    public CertificateReloader(Vertx vertx, HttpServer server, Path certFile, Path keyFile, Duration period) {
        this.vertx = vertx;
        this.server = server;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.lastSeen = fingerprint();
        this.timer = period.isZero() || period.isNegative() ? -1
                : vertx.setPeriodic(period.toMillis(), id -> checkNow());
    }

    public static SSLOptions sslOptions(Path certFile, Path keyFile) {
        return new SSLOptions().setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(certFile.toString())
                .setKeyPath(keyFile.toString()));
    }

    /** Reloads if the files changed since the last successful load; completes with whether it swapped. */
    public Future<Boolean> checkNow() {
        String now = fingerprint();
        if (now == null || Objects.equals(now, lastSeen)) {
            return Future.succeededFuture(false);
        }
        // force=true: the paths are unchanged, only the files' contents differ.
        return server.updateSSLOptions(sslOptions(certFile, keyFile), true)
                .onSuccess(swapped -> {
                    lastSeen = now;
                    LOG.infof("reloaded TLS certificate from %s", certFile);
                })
                .onFailure(e -> LOG.warnf("TLS certificate in %s changed but could not be loaded, keeping the"
                        + " previous one: %s", certFile, e.getMessage()));
    }

    private String fingerprint() {
        try {
            // toRealPath follows the kubelet's ..data symlink, so a swap is seen even if mtimes collide.
            Path cert = certFile.toRealPath();
            Path key = keyFile.toRealPath();
            return cert + ":" + Files.getLastModifiedTime(cert).toMillis() + ":" + Files.size(cert) + "|"
                    + key + ":" + Files.getLastModifiedTime(key).toMillis() + ":" + Files.size(key);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
