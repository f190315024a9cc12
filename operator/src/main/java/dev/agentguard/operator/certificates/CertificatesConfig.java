package dev.agentguard.operator.certificates;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The operator's CA and the serving certificates it issues. Every default is the documented one. */
@ConfigMapping(prefix = "agentguard.operator.certificates")
public interface CertificatesConfig {

    /**
     * The webhook configurations the chart installs, by name. Also what the chart's pre-delete
     * hook ({@code remove-webhook-configurations}) deletes when it is given no names.
     */
    String DEFAULT_WEBHOOK_CONFIGURATIONS = "agentguard-webhook,agentguard-approvals";

    /** Where the CA and leaf Secrets live; the system namespace by default. */
    @WithDefault("${agentguard.operator.system-namespace}")
    String namespace();

    /** The CA Secret (kubernetes.io/tls: tls.crt/tls.key = signing CA, ca.crt = trust bundle). */
    @WithDefault("agentguard-ca")
    String caSecret();

    /** CA validity: 5 years. */
    @WithDefault("43800h")
    Duration caValidity();

    /** Leaf validity: 90 days. */
    @WithDefault("2160h")
    Duration leafValidity();

    /** A certificate is renewed when less than this fraction of its lifetime is left (1/3). */
    @WithDefault("0.3333")
    double renewFraction();

    /**
     * After a new CA enters the bundle, how long leaves keep the old issuer so that every client
     * (API server caBundle, kubelet-updated ConfigMaps) trusts the new CA before it is used.
     */
    @WithDefault("2m")
    Duration propagationDelay();

    /** After every leaf is re-issued by the new CA, how long the old CA stays in the bundle. */
    @WithDefault("10m")
    Duration overlap();

    /** The webhook's serving certificate Secret and the Service it is reached by. */
    @WithDefault("agentguard-webhook-tls")
    String webhookSecret();

    @WithDefault("agentguard-webhook")
    String webhookService();

    /** Mutating and validating webhook configurations whose caBundle is kept current (absent ones skipped). */
    @WithDefault(DEFAULT_WEBHOOK_CONFIGURATIONS)
    List<String> webhookConfigurations();

    /** The proxy's serving certificate Secret. */
    @WithDefault("agentguard-proxy-tls")
    String proxySecret();

    /**
     * DNS names on the proxy certificate. Shims reach the proxy on the node IP; one shared
     * certificate cannot name every node IP, so the shim is to verify this fixed name instead: by
     * default the proxy's Service name in the system namespace.
     */
    @WithDefault("agentguard-proxy.${agentguard.operator.system-namespace}.svc,"
            + "agentguard-proxy.${agentguard.operator.system-namespace}.svc.cluster.local")
    List<String> proxyDnsNames();

    /** The per-namespace trust bundle ConfigMap (key ca.crt) the shims mount. */
    @WithDefault("agentguard-proxy-ca")
    String proxyCaConfigMap();

    /** Namespaces with this label value get the ConfigMap. */
    @WithDefault("agentguard.dev/inject")
    String injectLabel();

    @WithDefault("enabled")
    String injectValue();
}
