package dev.agentguard.console.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** What the API server said when it refused a user's request, in one line a human can act on. */
public final class ApiRefusal {

    private ApiRefusal() {
    }

    public static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        if (e.getCode() == 401) {
            return "the API server did not accept your login (401); log out and in again";
        }
        return e.getMessage();
    }
}
