package dev.agentguard.console.kube;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Kubernetes clients that act as the logged-in human. They reach the console's API server
 * and trust its CA, but authenticate with nothing but the user's OIDC ID token: no
 * client certificate, no ServiceAccount token, no impersonation. So the API server's RBAC,
 * the approvals webhook's approver check and the no-self-approval rule all apply to the
 * human, and {@code decidedBy} records them.
 */
@ApplicationScoped
public class UserClients {

    private final Config server;

    public UserClients(KubernetesClient own) {
        this.server = own.getConfiguration();
    }

    /** A client for one request; close it when done. */
    public KubernetesClient as(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("the login carries no token to act with");
        }
        Config user = new ConfigBuilder(Config.empty())
                .withMasterUrl(server.getMasterUrl())
                .withCaCertData(server.getCaCertData())
                .withCaCertFile(server.getCaCertFile())
                .withOauthToken(token)
                .withRequestTimeout(server.getRequestTimeout())
                .withConnectionTimeout(server.getConnectionTimeout())
                .build();
        return new KubernetesClientBuilder().withConfig(user).build();
    }
}
