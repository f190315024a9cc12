package dev.agentguard.webhook.admission;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ServiceAccounts a cluster admin exempted in the webhook's configuration
 * ({@code namespace/name}). Nothing in the pod can add to this list.
 */
public final class Exemptions {

    private final Set<String> serviceAccounts;

    public Exemptions(List<String> serviceAccounts) {
        for (String entry : serviceAccounts) {
            String[] parts = entry.trim().split("/", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException("agentguard.webhook.exempt-service-accounts: '" + entry
                        + "' is not of the form namespace/name");
            }
        }
        this.serviceAccounts = serviceAccounts.stream().map(String::trim).collect(Collectors.toUnmodifiableSet());
    }

    public boolean exempts(String namespace, String serviceAccount) {
        return serviceAccounts.contains(namespace + "/" + serviceAccount);
    }
}
