package dev.agentguard.recordings;

import java.util.Map;

import io.fabric8.kubernetes.client.Config;

/**
 * The caller's bearer token from their kubeconfig, as fabric8 resolved it: a
 * static token, an exec plugin's, or an OIDC auth-provider's id-token. A
 * kubeconfig that authenticates with a client certificate has none to pass on,
 * and the proxy cannot review a certificate, so that is an error that says so.
 */
public final class BearerTokens {

    private BearerTokens() {
    }

    public static String of(Config config) {
        if (config.getOauthTokenProvider() != null) {
            String token = config.getOauthTokenProvider().getToken();
            if (token != null && !token.isBlank()) {
                return token;
            }
        }
        if (config.getOauthToken() != null && !config.getOauthToken().isBlank()) {
            return config.getOauthToken();
        }
        // Where fabric8 puts what it read from the kubeconfig: a user's token, an exec plugin's, an OIDC id-token.
        if (config.getAutoOAuthToken() != null && !config.getAutoOAuthToken().isBlank()) {
            return config.getAutoOAuthToken();
        }
        if (config.getAuthProvider() != null && config.getAuthProvider().getConfig() != null) {
            Map<String, String> provider = config.getAuthProvider().getConfig();
            String idToken = provider.get("id-token");
            if (idToken != null && !idToken.isBlank()) {
                return idToken;
            }
        }
        if (config.getClientCertFile() != null || config.getClientCertData() != null) {
            throw new RecordingException(0, "recordings need a bearer token; your kubeconfig authenticates with a"
                    + " client certificate (use an OIDC or ServiceAccount token user)");
        }
        throw new RecordingException(0, "recordings need a bearer token, and your kubeconfig has none");
    }
}
