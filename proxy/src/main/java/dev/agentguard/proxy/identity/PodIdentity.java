package dev.agentguard.proxy.identity;

import java.util.Optional;

/**
 * The agent pod a request comes from, as TokenReview established it from the
 * pod-bound token the shim forwarded. Never taken from anything the agent sent.
 */
public record PodIdentity(String namespace, String serviceAccount, String podName, String podUid,
        Optional<String> nodeName) {

    public String userName() {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }
}
