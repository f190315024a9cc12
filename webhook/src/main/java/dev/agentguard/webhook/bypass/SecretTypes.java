package dev.agentguard.webhook.bypass;

import java.util.Optional;

/** Looks up a Secret's {@code type}; empty when the Secret does not exist. */
@FunctionalInterface
public interface SecretTypes {

    String SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";

    Optional<String> typeOf(String namespace, String name);
}
