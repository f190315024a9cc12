package dev.agentguard.testing.kube;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real Kubernetes control plane a test talks to: the local kube-apiserver the
 * harness starts ({@link KubeApiServer}) or k3s in a container ({@link K3sCluster}).
 * Tests written against this interface run unchanged on both.
 */
public interface KubeCluster {

    /** Connection settings of the cluster admin ({@code system:masters}). */
    Config adminConfig();

    /** A client acting as cluster admin; shared, do not close. */
    KubernetesClient admin();

    /** PEM of the CA that signed the API server's serving certificate. */
    String caCertificatePem();

    /** {@code https://host:port} of the API server. */
    default String url() {
        return adminConfig().getMasterUrl();
    }

    /**
     * Mints a token for the ServiceAccount through TokenRequest, exactly as the
     * kubelet would, and returns it; the API server authenticates it as
     * {@code system:serviceaccount:<namespace>:<name>}.
     */
    default String tokenFor(String namespace, String serviceAccount) {
        var request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build();
        return admin().serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(request).getStatus().getToken();
    }

    /** A new client (caller closes it) that authenticates as the ServiceAccount with a minted token. */
    default KubernetesClient clientFor(String namespace, String serviceAccount) {
        return clientWithToken(tokenFor(namespace, serviceAccount));
    }

    /** A new client (caller closes it) that presents the given bearer token and nothing else. */
    default KubernetesClient clientWithToken(String token) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withCaCertData(java.util.Base64.getEncoder().encodeToString(
                        caCertificatePem().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .withOauthToken(token)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
