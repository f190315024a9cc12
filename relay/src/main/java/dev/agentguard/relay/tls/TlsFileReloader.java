package dev.agentguard.relay.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SSLOptions;

/**
 * Hands new {@link SSLOptions} to a running server or client when the PEM files behind them change
 * on disk.
 *
 * <p>The operator rotates its certificates and CA bundles through Secrets and ConfigMaps; the kubelet
 * rewrites the mounted files (a new timestamped directory, then an atomic swap of the {@code ..data}
 * symlink) within about a minute. Restarting for that would drop every agent's in-flight requests
 * and exec sessions, so the files' real path, identity, modification time and size are polled with a
 * cheap Vert.x timer and, when they change, freshly loaded options go to an {@link Updater} such as
 * {@code HttpServer::updateSSLOptions} or {@code HttpClient::updateSSLOptions}: new TLS handshakes
 * use them, open connections are untouched.
 *
 * <p>Options that do not load (unreadable, truncated or empty PEM) are refused by Vert.x; the previous
 * ones stay in force and the next tick tries again. (Vert.x alone takes a certificate with someone
 * else's key; {@link ServingKeyManager} refuses it.) (A client reads its trust at its first connection, so before that there is no previous
 * trust to keep.)
 *
 * <p>A client waits for options being loaded before it connects. A Vert.x 4.5 server does not: it
 * closes connections accepted in the milliseconds while its new certificate loads, so a server
 * rotates through a {@link ServingKeyManager} instead of {@code HttpServer::updateSSLOptions}.
 *
 * <p>Create it before the server or client it feeds, and {@link #start} it once that exists: the
 * files' state is noted at construction, so a change while the server or client first reads them is
 * not missed.
 */
public final class TlsFileReloader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TlsFileReloader.class);

    /** Where new options go; {@code force} because the paths are unchanged, only the files' contents differ. */
    @FunctionalInterface
    public interface Updater {
        Future<Boolean> update(SSLOptions options, boolean force);
    }

    private final List<Path> files;
    private final Supplier<SSLOptions> load;
    private volatile List<FileState> inForce;
    private volatile List<FileState> refused;
    private volatile Updater updater;
    private volatile Vertx vertx;
    private volatile long timer = -1;

    /**
     * Notes the files' current state as the one in force.
     *
     * @param files what to watch: every file the options read
     * @param load the options to hand over, naming the files by path (e.g. {@code PemTrustOptions#addCertPath}),
     *     so that Vert.x reads them afresh; usually a copy of the server's or client's own SSL options
     */
    public TlsFileReloader(List<Path> files, Supplier<SSLOptions> load) {
        this.files = List.copyOf(files);
        this.load = load;
        this.inForce = stateOnDisk();
    }

    /**
     * Checks the files every {@code period} and hands changes to {@code updater}.
     * A zero or negative period turns the timer off; {@link #checkNow()} still works.
     */
    public TlsFileReloader start(Vertx vertx, Duration period, Updater updater) {
        this.vertx = vertx;
        this.updater = Objects.requireNonNull(updater);
        if (!period.isZero() && !period.isNegative()) {
            timer = vertx.setPeriodic(period.toMillis(), id -> checkNow());
        }
        return this;
    }

    /** Reloads if the files changed since the last successful load; completes with whether it did. */
    public Future<Boolean> checkNow() {
        Updater target = updater;
        if (target == null) {
            return Future.failedFuture(new IllegalStateException("not started"));
        }
        List<FileState> now = stateOnDisk();
        if (now == null || now.equals(inForce)) {
            // Missing files (a volume being remounted) are not a change: keep what is in force.
            return Future.succeededFuture(false);
        }
        Future<Boolean> update;
        try {
            update = target.update(load.get(), true);
        } catch (RuntimeException e) {
            update = Future.failedFuture(e);
        }
        return update.onSuccess(swapped -> {
            inForce = now;
            LOG.infof("reloaded TLS material from %s", files);
        }).onFailure(e -> {
            // Retried every tick (the failure may be passing), but said once per version of the files.
            if (!now.equals(refused)) {
                refused = now;
                LOG.warnf("TLS material in %s changed but could not be loaded, keeping the previous one: %s",
                        files, e.getMessage());
            }
        });
    }

    /** Whether what is in force was loaded from the files as they are on disk now. */
    public boolean upToDate() {
        List<FileState> now = stateOnDisk();
        return now != null && now.equals(inForce);
    }

    private List<FileState> stateOnDisk() {
        List<FileState> states = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                states.add(FileState.of(file));
            } catch (IOException e) {
                return null;
            }
        }
        return states;
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * What identifies one version of a file without reading it. The real path follows the kubelet's
     * {@code ..data} symlink, so its swap is seen even if modification times collide; the file key
     * (device and inode) catches a file replaced by a rename in place.
     */
    private record FileState(Path realPath, Object fileKey, FileTime modified, long size) {

        static FileState of(Path file) throws IOException {
            Path real = file.toRealPath();
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            return new FileState(real, attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
        }
    }
}
