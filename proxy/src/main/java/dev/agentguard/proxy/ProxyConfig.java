package dev.agentguard.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.relay.tls.TlsEngine;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The node proxy's settings ({@code AGENTGUARD_PROXY_*} in the DaemonSet). */
@ConfigMapping(prefix = "agentguard.proxy")
public interface ProxyConfig {

    /**
     * The control plane's namespace ({@code AGENTGUARD_PROXY_SYSTEM_NAMESPACE}; the chart sets the
     * release namespace, from the downward API's {@code metadata.namespace}): ApprovalRequests and
     * AgentSessions are created there, and {@link Policies#namespace()} defaults to it.
     */
    @WithDefault(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
    String systemNamespace();

    /** Port the shims connect to, on the node's IP (hostPort). */
    @WithDefault("9443")
    int port();

    @WithDefault("0.0.0.0")
    String host();

    /** Serving certificate for the shims; its CA is the agentguard-proxy-ca ConfigMap. */
    @WithDefault("/etc/agentguard/proxy-tls/tls.crt")
    Path tlsCertFile();

    @WithDefault("/etc/agentguard/proxy-tls/tls.key")
    Path tlsKeyFile();

    /**
     * How often the serving certificate files are checked for a rotation (the operator re-issues
     * agentguard-proxy-tls, the kubelet updates the mounted files); a change is loaded without a
     * restart. 0 turns reloading off.
     */
    @WithDefault("30s")
    Duration tlsReloadPeriod();

    /**
     * The TLS implementation of the listener and of the connections to the kube-apiserver: AUTO
     * (OpenSSL when its native library loads on the node, else the JDK's, with a warning),
     * OPENSSL (start-up fails without it) or JDK. Both accept and verify the same; OpenSSL costs
     * less CPU per request and per byte (docs/benchmarks.md).
     */
    @WithDefault("auto")
    TlsEngine tlsEngine();

    /** The kube-apiserver; defaults to the in-cluster address the Kubernetes client uses. */
    Optional<String> upstream();

    /** CA of the kube-apiserver; defaults to the Kubernetes client's. */
    Optional<Path> upstreamCaFile();

    /** This node's name (downward API {@code spec.nodeName}); only pods on this node are served. */
    String nodeName();

    /** Longest time a TokenReview result is reused (never past the token's own expiry). */
    @WithDefault("5m")
    Duration identityCacheTtl();

    /** How long pod and namespace labels (for policy selection) are reused. */
    @WithDefault("30s")
    Duration agentLabelsTtl();

    /** Longest a request is held for approval, whatever a policy's waitSeconds says. */
    @WithDefault("10m")
    Duration approvalMaxWait();

    Audit audit();

    Policies policies();

    /** Where the policies come from and how this proxy reports the version it enforces. */
    interface Policies {
        /** Namespace of the operator's bundle ConfigMap and of the proxies' Leases; the system namespace by default. */
        @WithDefault("${agentguard.proxy.system-namespace}")
        String namespace();

        /** The bundle ConfigMap the operator writes; the proxy serves nothing before it has one. */
        @WithDefault("agentguard-policies")
        String bundleName();

        /**
         * How often the Lease agentguard-proxy-&lt;node&gt; (annotation
         * agentguard.dev/policy-bundle: the version in force) is renewed; also
         * renewed at once on each new bundle. The operator counts a proxy as
         * alive while its Lease was renewed within three of these.
         */
        @WithDefault("15s")
        Duration leaseRenewInterval();
    }

    Recording recording();

    /** Exec and attach session recordings. */
    interface Recording {
        /** One asciicast file per session and the node's chain.jsonl (a hostPath in the chart). */
        @WithDefault("/var/lib/agentguard/recordings")
        Path directory();
    }

    Exec exec();

    /** Exec and attach sessions. */
    interface Exec {
        /**
         * How long a partial output line (a prompt, a key's echo) is held for the
         * rest of its line before it is masked and sent: secrets split across
         * frames within this time are still found.
         */
        @WithDefault("10ms")
        Duration partialLineDelay();

        /**
         * How a session is opened at the API server. {@code spdy}: SPDY/3.1, which
         * kube-apiserver passes through to the kubelet unchanged, so a slow agent slows the
         * container's process and loses nothing. {@code websocket}: the API server translates
         * to SPDY itself and can end a slow reader's session with its output cut short
         * (kubernetes/kubernetes#124571); for API servers that refuse SPDY upgrades.
         */
        @WithDefault("spdy")
        UpstreamProtocol upstreamProtocol();

        enum UpstreamProtocol {
            SPDY, WEBSOCKET
        }
    }

    /** The embedded audit sink; events are also on the "audit-events" messaging channel. */
    interface Audit {
        /** Write each event as a JSON line to standard output. */
        @WithDefault("true")
        boolean stdout();

        /** Also append each event to this file (a hostPath in the chart). */
        Optional<Path> file();
    }

    /** Upstream connections kept open at most; each watch holds one. */
    @WithDefault("1024")
    int upstreamMaxConnections();
}
