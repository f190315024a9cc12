package dev.agentguard.webhook.injection;

import java.util.List;
import java.util.Optional;

import dev.agentguard.api.AgentGuard;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What the webhook injects, set by the cluster admin (Helm values end up here as
 * environment variables, e.g. {@code AGENTGUARD_WEBHOOK_SHIM_IMAGE}).
 */
@ConfigMapping(prefix = "agentguard.webhook")
public interface InjectionConfig {

    /**
     * The control plane's namespace ({@code AGENTGUARD_WEBHOOK_SYSTEM_NAMESPACE}; the chart sets the
     * release namespace, from the downward API's {@code metadata.namespace}). The operator's
     * ServiceAccount, the one identity allowed to expire ApprovalRequests, is
     * {@code agentguard-operator} there; {@link Proxy#serverName()} defaults to a name in it.
     */
    @WithDefault(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
    String systemNamespace();

    Shim shim();

    Proxy proxy();

    /**
     * Host paths no pod in an opted-in namespace may mount, nor any parent or
     * child of them: kubelet state holds every pod's tokens, {@code /proc} every
     * process's root.
     */
    @WithDefault("/var/lib/kubelet,/var/run/secrets,/run/secrets,/var/lib/rancher,/etc/kubernetes,/proc,"
            + "/var/run/agentguard,/run/agentguard")
    List<String> protectedHostPaths();

    /**
     * ServiceAccounts ({@code namespace/name}) whose pods the admin exempts: they
     * are neither checked nor injected, and keep their real credentials. The pod
     * itself can never ask for this.
     */
    Optional<List<String>> exemptServiceAccounts();

    interface Shim {
        /** Image of the exec-shim sidecar. */
        @WithDefault("ghcr.io/agentguard/exec-shim:0.1.0")
        String image();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        /** Port the shim serves the agent on, on 127.0.0.1 inside the pod. */
        @WithDefault("16443")
        int port();

        /** Port of the shim's health endpoint (startup probe), on the pod IP. */
        @WithDefault("16444")
        int healthPort();

        /**
         * JVM options of the shim (JAVA_TOOL_OPTIONS): small heap and serial GC. Not
         * C1 only: C1 lacks the AES/GHASH intrinsics, and the shim's TLS then costs 2 to
         * 10 times the CPU per MiB relayed; measured in docs/benchmarks.md.
         */
        @WithDefault("-XX:+UseSerialGC -Xss256k -Xmx24m -XX:MaxMetaspaceSize=48m"
                + " -XX:ReservedCodeCacheSize=16m -XX:-UsePerfData")
        String jvmOptions();

        @WithDefault("10m")
        String cpuRequest();

        /** The shim's measured peak (docs/benchmarks.md, "the shim under its memory limit"). */
        @WithDefault("128Mi")
        String memoryRequest();

        /** The measured peak plus headroom: under 96Mi the shim was OOM-killed while relaying an exec stream. */
        @WithDefault("192Mi")
        String memoryLimit();
    }

    interface Proxy {
        /** Port of the node-local proxy on the node's IP (the DaemonSet's hostPort). */
        @WithDefault("9443")
        int port();

        /** ConfigMap in the pod's namespace holding {@code ca.crt}, the node proxy's CA bundle. */
        @WithDefault("agentguard-proxy-ca")
        String caConfigMap();

        /**
         * The name on the node proxies' certificate (issued by the operator): shims connect
         * to the node IP and verify this name. By default the proxy's Service name in the system namespace.
         */
        @WithDefault("agentguard-proxy.${agentguard.webhook.system-namespace}.svc")
        String serverName();
    }
}
