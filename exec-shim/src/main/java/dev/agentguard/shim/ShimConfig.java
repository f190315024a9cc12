package dev.agentguard.shim;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.agentguard.relay.tls.TlsEngine;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The shim's settings. The webhook sets them as environment variables on the
 * injected container ({@code AGENTGUARD_SHIM_*}, {@code AGENTGUARD_POD_*}).
 */
@ConfigMapping(prefix = "agentguard")
public interface ShimConfig {

    Shim shim();

    Pod pod();

    interface Shim {
        /** Port served to the agent, on 127.0.0.1 only. */
        @WithDefault("16443")
        int port();

        /** Where every request goes: the node proxy ({@code https://<hostIP>:9443}). */
        String upstream();

        /** PEM bundle the upstream's serving certificate must chain to; the JVM's trust store if absent. */
        Optional<Path> upstreamCaFile();

        /**
         * How often {@code upstream-ca-file} is checked for a new bundle. A CA rotation adds the new CA
         * to the mounted ConfigMap first and has the proxy serve a certificate from it only after the
         * operator's propagation delay (default 2m); the kubelet takes about a minute to update the
         * file, so the shim must pick it up well within the rest. A new bundle applies to new upstream
         * connections without a restart; open ones (watches, exec sessions) keep going. 0 turns
         * reloading off.
         */
        @WithDefault("10s")
        Duration upstreamCaReloadPeriod();

        /**
         * The name the upstream's certificate is verified against, when it is not
         * the host in {@code upstream}: the webhook sets the node proxy's Service
         * name, since one proxy certificate serves every node's IP. Absent: the host.
         */
        Optional<String> upstreamServerName();

        /** The pod's real bound token, projected (and rotated) by the kubelet. */
        @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
        Path tokenFile();

        /** Shared in-memory volume where the placeholder credentials are written for the agent. */
        @WithDefault("/var/run/agentguard/credentials")
        Path credentialsDir();

        /**
         * Upstream connections kept open at most; each watch holds one for as
         * long as it runs.
         */
        @WithDefault("256")
        int upstreamMaxConnections();

        /**
         * The TLS implementation of the agent-facing listener and of the connections to the proxy:
         * AUTO (OpenSSL when its native library loads, else the JDK's, with a warning), OPENSSL
         * (start-up fails without it) or JDK. Both accept and verify the same.
         */
        @WithDefault("auto")
        TlsEngine tlsEngine();
    }

    /** The pod, from the downward API. */
    interface Pod {
        /** Written to the agent's {@code namespace} file. */
        String namespace();

        /** For logs. */
        Optional<String> name();

        Optional<String> uid();

        /** The node's IP, where the node proxy listens; used in {@code shim.upstream}. */
        Optional<String> hostIp();
    }
}
