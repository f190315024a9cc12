package dev.agentguard.proxy.pipeline;

import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.agentguard.proxy.ProxyConfig;
import dev.agentguard.proxy.approval.ApprovalGate;
import dev.agentguard.proxy.audit.AuditTrail;
import dev.agentguard.proxy.exec.AgentSessions;
import dev.agentguard.proxy.exec.ChannelProtocol;
import dev.agentguard.proxy.exec.ExecRelay;
import dev.agentguard.proxy.exec.ExecUpstream;
import dev.agentguard.proxy.exec.SpdyUpstream;
import dev.agentguard.proxy.exec.WebSocketUpstream;
import dev.agentguard.proxy.recording.RecordingChain;
import dev.agentguard.proxy.recording.RecordingWrites;
import dev.agentguard.proxy.metrics.ProxyMetrics;
import dev.agentguard.proxy.identity.AgentDirectory;
import dev.agentguard.proxy.identity.Authenticator;
import dev.agentguard.proxy.identity.UserAuthenticator;
import dev.agentguard.proxy.recordingsapi.RecordingsEndpoint;
import dev.agentguard.proxy.policy.BundleLease;
import dev.agentguard.proxy.policy.BundlePolicySource;
import dev.agentguard.relay.UpstreamOptions;
import dev.agentguard.relay.tls.ServingKeyManager;
import dev.agentguard.relay.tls.TlsEngine;
import dev.agentguard.relay.tls.TlsFileReloader;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.SSLOptions;

/** Starts the shim-facing HTTPS listener once policies are loaded; stops it first on shutdown. */
@ApplicationScoped
public class ProxyServer {

    private static final Logger LOG = Logger.getLogger(ProxyServer.class);

    private final Vertx vertx;
    private final ProxyConfig config;
    private final KubernetesClient client;
    private BundlePolicySource policies;
    private BundleLease lease;
    private volatile boolean listening;
    private ApprovalGate approvals;
    private HttpServer server;
    private TlsFileReloader certificates;
    private HttpClient upstream;
    private SessionsUpstream sessionsUpstream;

    private final AuditTrail audit;
    private final ProxyMetrics metrics;

    public ProxyServer(Vertx vertx, ProxyConfig config, KubernetesClient client, AuditTrail audit,
            ProxyMetrics metrics) {
        this.audit = audit;
        this.metrics = metrics;
        this.vertx = vertx;
        this.config = config;
        this.client = client;
    }

    void start(@Observes StartupEvent event) throws Exception {
        policies = new BundlePolicySource(client, config.policies().namespace(), config.policies().bundleName());
        lease = new BundleLease(client, config.policies().namespace(), config.nodeName(),
                config.policies().leaseRenewInterval(), policies::version);
        policies.onNewVersion(version -> lease.renewSoon());
        policies.start();
        lease.start();
        if (policies.version() == null) {
            LOG.warnf("no policy bundle %s/%s yet: not ready until the operator publishes it",
                    config.policies().namespace(), config.policies().bundleName());
        }
        approvals = new ApprovalGate(vertx, client, config.systemNamespace(), config.nodeName(), config.approvalMaxWait(), Clock.systemUTC());
        approvals.start();
        // One engine for both legs of the data path: the shims' connections and the API server's.
        SSLEngineOptions tls = config.tlsEngine().options("agentguard proxy");
        HttpClientOptions upstreamOptions = upstreamOptions().setSslEngineOptions(tls);
        upstream = vertx.createHttpClient(upstreamOptions);
        sessionsUpstream = sessionsUpstream(upstreamOptions, tls);
        Clock clock = Clock.systemUTC();
        // Fails start-up when the directory cannot be used: sessions are never relayed unrecorded.
        RecordingChain chain = new RecordingChain(config.recording().directory());
        ExecRelay execSessions = new ExecRelay(vertx, sessionsUpstream.opener(), config.recording().directory(),
                RecordingWrites.pool(), chain,
                new AgentSessions(client, config.systemNamespace(), config.nodeName()), config.nodeName(), config.exec().partialLineDelay(),
                clock);
        ProxyHandler handler = new ProxyHandler(vertx,
                new Authenticator(client, config.nodeName(), config.identityCacheTtl(), clock),
                new AgentDirectory(client, config.agentLabelsTtl(), clock),
                policies,
                upstream, execSessions, approvals, audit, metrics);
        // People (approvers, the console) read recordings on the same listener; their requests never enter
        // the agent pipeline, which would forward them upstream.
        RecordingsEndpoint recordings = new RecordingsEndpoint(vertx, client,
                new UserAuthenticator(client, config.identityCacheTtl(), clock), config.systemNamespace(),
                config.nodeName(), config.recording().directory(), metrics);
        HttpServerOptions serverOptions = new HttpServerOptions()
                .setHost(config.host())
                .setPort(config.port())
                .setSsl(true)
                .setSslEngineOptions(tls)
                .setWebSocketSubProtocols(ChannelProtocol.SUPPORTED);
        PemKeyCertOptions pair = new PemKeyCertOptions()
                .setCertPath(config.tlsCertFile().toString())
                .setKeyPath(config.tlsKeyFile().toString());
        // Before the files are first read: a rotation while they are is then seen by the first check.
        certificates = new TlsFileReloader(List.of(config.tlsCertFile(), config.tlsKeyFile()),
                () -> new SSLOptions().setKeyCertOptions(pair.copy()));
        // Swapped under the running server rather than through updateSSLOptions, which in Vert.x 4.5
        // closes connections accepted while the new certificate loads (see ServingKeyManager).
        ServingKeyManager servingKeys = ServingKeyManager.load(vertx, pair);
        serverOptions.setKeyCertOptions(KeyCertOptions.wrap(servingKeys));
        server = vertx.createHttpServer(serverOptions)
                .requestHandler(in -> {
                    if (RecordingsEndpoint.serves(in)) {
                        recordings.handle(in);
                    } else {
                        handler.handle(in);
                    }
                })
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        certificates.start(vertx, config.tlsReloadPeriod(), (options, force) -> servingKeys.reload(vertx, options));
        listening = true;
        LOG.infof("proxy for node %s serving on %s:%d, upstream %s, TLS by %s", config.nodeName(), config.host(),
                server.actualPort(), upstreamUrl(), TlsEngine.describe(tls));
    }

    void stop(@Observes ShutdownEvent event) {
        listening = false;
        if (certificates != null) {
            certificates.close();
        }
        if (lease != null) {
            lease.close();
        }
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (sessionsUpstream != null) {
            sessionsUpstream.close().run();
        }
        if (policies != null) {
            policies.close();
        }
        if (approvals != null) {
            approvals.close();
        }
    }

    /**
     * Ready once the listener serves and the first policy bundle is in force.
     * Until then every request is refused (see {@link #policiesLoaded()}).
     */
    public boolean ready() {
        return listening && policiesLoaded();
    }

    /** A policy bundle is in force; before that the proxy judges nothing. */
    public boolean policiesLoaded() {
        return policies != null && policies.version() != null;
    }

    /** Exec and attach sessions get their own connections, so long sessions never starve API calls. */
    private SessionsUpstream sessionsUpstream(HttpClientOptions upstreamOptions, SSLEngineOptions tls) {
        return switch (config.exec().upstreamProtocol()) {
            case SPDY -> {
                HttpClient sessions = vertx.createHttpClient(new HttpClientOptions(upstreamOptions)
                        .setMaxPoolSize(config.upstreamMaxConnections()));
                yield new SessionsUpstream(new SpdyUpstream(sessions), sessions::close);
            }
            case WEBSOCKET -> {
                WebSocketClient sessions = vertx.createWebSocketClient(new WebSocketClientOptions()
                        .setSsl(true)
                        .setSslEngineOptions(tls)
                        .setVerifyHost(true)
                        .setDefaultHost(upstreamOptions.getDefaultHost())
                        .setDefaultPort(upstreamOptions.getDefaultPort())
                        .setTrustOptions(upstreamOptions.getTrustOptions())
                        .setMaxConnections(config.upstreamMaxConnections()));
                yield new SessionsUpstream(new WebSocketUpstream(sessions), sessions::close);
            }
        };
    }

    private record SessionsUpstream(ExecUpstream opener, Runnable close) {
    }

    private String upstreamUrl() {
        return config.upstream().orElse(client.getConfiguration().getMasterUrl());
    }

    private HttpClientOptions upstreamOptions() {
        HttpClientOptions options = UpstreamOptions.forUrl(upstreamUrl(), config.upstreamMaxConnections(),
                "agentguard.proxy.upstream");
        PemTrustOptions trust = new PemTrustOptions();
        Config clientConfig = client.getConfiguration();
        if (config.upstreamCaFile().isPresent()) {
            trust.addCertPath(config.upstreamCaFile().get().toString());
        } else if (clientConfig.getCaCertData() != null) {
            trust.addCertValue(Buffer.buffer(Base64.getDecoder().decode(clientConfig.getCaCertData())));
        } else if (clientConfig.getCaCertFile() != null) {
            trust.addCertPath(clientConfig.getCaCertFile());
        }
        return options.setTrustOptions(trust);
    }
}
