package dev.agentguard.testing.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/**
 * Installs agentguard's shipped objects into a test control plane as the chart
 * does: the CRDs from {@code manifests/crds} (waited on until Established), the
 * {@code agentguard-system} namespace, and a component's RBAC from its
 * {@code manifests/<component>/rbac.yaml}. Everything is applied server-side,
 * so tests sharing one control plane may call it again.
 */
public final class AgentGuardInstall {

    public static final String SYSTEM_NAMESPACE = "agentguard-system";

    private AgentGuardInstall() {
    }

    /** The CRDs, Established, and the agentguard-system namespace. */
    public static void crds(KubeApiServer cluster) {
        check(cluster.kubectl(null, "apply", "--server-side", "-f", RepoFiles.find("manifests/crds").toString()));
        check(cluster.kubectl(null, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/agentpolicies.agentguard.dev", "crd/clusteragentpolicies.agentguard.dev",
                "crd/approvalrequests.agentguard.dev", "crd/agentsessions.agentguard.dev"));
        cluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SYSTEM_NAMESPACE)
                .endMetadata().build()).serverSideApply();
    }

    /**
     * The CRDs and a component's shipped RBAC ({@code manifests/<component>/rbac.yaml});
     * returns a token of its ServiceAccount {@code agentguard-<component>}, so the
     * component runs in the test with exactly the rights it ships with.
     */
    public static String component(KubeApiServer cluster, String component) {
        crds(cluster);
        check(cluster.kubectl(null, "apply", "--server-side", "-f",
                RepoFiles.find("manifests/" + component + "/rbac.yaml").toString()));
        return cluster.tokenFor(SYSTEM_NAMESPACE, "agentguard-" + component);
    }

    /**
     * The same for an app whose client is configured by properties Quarkus may print: the component's
     * ServiceAccount identity as a client certificate and key file instead of a token.
     */
    public static KubeApiServer.ClientCertificate componentCertificate(KubeApiServer cluster, String component) {
        component(cluster, component);
        return cluster.serviceAccountCertificate(SYSTEM_NAMESPACE, "agentguard-" + component);
    }

    private static void check(KubeApiServer.KubectlResult result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kubectl failed: " + result.stderr());
        }
    }
}
