package dev.agentguard.kubectl;

import java.io.File;
import java.util.List;

import dev.agentguard.api.AgentGuard;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import picocli.CommandLine.Option;

/**
 * How to reach the cluster, as kubectl's own flags: the caller's kubeconfig and context, and
 * impersonation when the caller's RBAC allows it. Nothing here is agentguard's identity.
 */
public final class ClusterOptions {

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config).")
    File kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context (default: its current one).")
    String context;

    @Option(names = "--as", paramLabel = "USER", description = "Impersonate this user, as kubectl --as does.")
    String as;

    @Option(names = "--as-group", paramLabel = "GROUP", description = "Impersonate this group (repeatable).")
    List<String> asGroups = List.of();

    @Option(names = "--system-namespace", paramLabel = "NAMESPACE", defaultValue = "${env:AGENTGUARD_SYSTEM_NAMESPACE:-"
            + AgentGuard.DEFAULT_SYSTEM_NAMESPACE + "}",
            description = "Where agentguard keeps ApprovalRequests and AgentSessions: the chart's release namespace"
                    + " (default: $AGENTGUARD_SYSTEM_NAMESPACE, else ${DEFAULT-VALUE}).")
    String systemNamespace;

    /** Whether --as or --as-group was given. */
    public boolean impersonating() {
        return as != null || !asGroups.isEmpty();
    }

    public String systemNamespace() {
        return systemNamespace;
    }

    public KubernetesClient client() {
        if (kubeconfig != null && !kubeconfig.isFile()) {
            throw Failure.of("kubeconfig " + kubeconfig + " does not exist");
        }
        Config config = kubeconfig == null ? Config.autoConfigure(context) : Config.fromKubeconfig(context, kubeconfig);
        ConfigBuilder builder = new ConfigBuilder(config);
        if (as != null) {
            builder.withImpersonateUsername(as).withImpersonateGroups(asGroups.toArray(String[]::new));
        }
        return new KubernetesClientBuilder().withConfig(builder.build()).build();
    }
}
