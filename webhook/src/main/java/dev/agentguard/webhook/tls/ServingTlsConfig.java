package dev.agentguard.webhook.tls;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The webhook's serving certificate: the agentguard-webhook-tls Secret, mounted. */
@ConfigMapping(prefix = "agentguard.webhook.tls")
public interface ServingTlsConfig {

    @WithDefault("/etc/agentguard/webhook-tls/tls.crt")
    Path certFile();

    @WithDefault("/etc/agentguard/webhook-tls/tls.key")
    Path keyFile();

    /**
     * How often the files are checked for a rotation (the operator re-issues the Secret, the
     * kubelet rewrites the mount); a new pair is served without a restart. 0 turns reloading off.
     */
    @WithDefault("10s")
    Duration reloadPeriod();
}
