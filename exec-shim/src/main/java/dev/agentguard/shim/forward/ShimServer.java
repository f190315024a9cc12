package dev.agentguard.shim.forward;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.agentguard.shim.ShimConfig;
import dev.agentguard.shim.credentials.CredentialsWriter;
import dev.agentguard.shim.credentials.PlaceholderCredentials;
import dev.agentguard.shim.credentials.TokenFile;
import dev.agentguard.relay.UpstreamOptions;
import dev.agentguard.relay.tls.TlsEngine;
import dev.agentguard.relay.tls.TlsFileReloader;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.SSLOptions;

/**
 * Brings the shim up in the order the agent relies on: placeholder credentials
 * generated, the HTTPS listener on 127.0.0.1 serving, then the credential files
 * written (the agent's clients are ready the moment the token exists), then
 * {@link #ready()} true for the startup probe, which lets the agent containers start.
 */
@ApplicationScoped
public class ShimServer {

    private static final Logger LOG = Logger.getLogger(ShimServer.class);

    private final Vertx vertx;
    private final ShimConfig config;
    private volatile boolean ready;
    private HttpServer server;
    private HttpClient client;
    private TlsFileReloader upstreamTrust;

    public ShimServer(Vertx vertx, ShimConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) throws Exception {
        long started = System.nanoTime();
        PlaceholderCredentials credentials = PlaceholderCredentials.generate();
        SSLEngineOptions tls = config.shim().tlsEngine().options("agentguard shim");
        HttpClientOptions upstreamOptions = upstreamOptions().setSslEngineOptions(tls);
        // Noted before the client first reads the bundle, so a rotation in between is not missed.
        upstreamTrust = config.shim().upstreamCaFile()
                .map(ca -> new TlsFileReloader(List.of(ca), () -> new SSLOptions(upstreamOptions.getSslOptions())))
                .orElse(null);
        client = vertx.createHttpClient(upstreamOptions);
        if (upstreamTrust != null) {
            // One client carries every upstream request, HTTP upgrades (exec, attach) included.
            upstreamTrust.start(vertx, config.shim().upstreamCaReloadPeriod(), client::updateSSLOptions);
        }
        ApiForwarder forwarder = new ApiForwarder(client, config.shim().upstreamServerName()
                .map(name -> UpstreamOptions.verifyingName(config.shim().upstream(), name))
                .orElse(options -> {
                }), credentials, new TokenFile(config.shim().tokenFile()));

        HttpServerOptions options = new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(config.shim().port())
                .setSsl(true)
                .setSslEngineOptions(tls)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertValue(Buffer.buffer(credentials.servingCertificate().certificatePem()))
                        .setKeyValue(Buffer.buffer(credentials.servingCertificate().privateKeyPem())));
        server = vertx.createHttpServer(options).requestHandler(forwarder)
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        CredentialsWriter.write(config.shim().credentialsDir(), credentials, config.pod().namespace());
        ready = true;
        LOG.infof("shim for pod %s/%s serving on 127.0.0.1:%d, forwarding to %s, TLS by %s, ready in %d ms",
                config.pod().namespace(), config.pod().name().orElse("?"), server.actualPort(),
                config.shim().upstream(), TlsEngine.describe(tls), Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    void stop(@Observes ShutdownEvent event) {
        ready = false;
        if (upstreamTrust != null) {
            upstreamTrust.close();
        }
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
    }

    public boolean ready() {
        return ready;
    }

    /** What keeps the upstream trust in step with the CA file; empty when the JVM's trust store is used. */
    Optional<TlsFileReloader> upstreamTrust() {
        return Optional.ofNullable(upstreamTrust);
    }

    private HttpClientOptions upstreamOptions() {
        HttpClientOptions options = UpstreamOptions.forUrl(config.shim().upstream(),
                config.shim().upstreamMaxConnections(), "agentguard.shim.upstream");
        config.shim().upstreamCaFile().ifPresent(ca -> options.setTrustOptions(
                new PemTrustOptions().addCertPath(ca.toString())));
        return options;
    }
}
