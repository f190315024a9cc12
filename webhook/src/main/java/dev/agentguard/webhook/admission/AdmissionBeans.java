package dev.agentguard.webhook.admission;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import dev.agentguard.webhook.bypass.BypassRule;
import dev.agentguard.webhook.bypass.HostAccessRule;
import dev.agentguard.webhook.bypass.HostPathRule;
import dev.agentguard.webhook.bypass.OptOutRule;
import dev.agentguard.webhook.bypass.OwnTokenRule;
import dev.agentguard.webhook.bypass.SecretTypes;
import dev.agentguard.webhook.injection.InjectionConfig;
import dev.agentguard.webhook.injection.ShimInjector;
import dev.agentguard.webhook.injection.ShimSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Wires the admission pipeline from configuration. */
public class AdmissionBeans {

    @Produces
    @ApplicationScoped
    PodAdmission podAdmission(InjectionConfig config, KubernetesClient client) {
        SecretTypes secretTypes = (namespace, name) -> Optional
                .ofNullable(client.secrets().inNamespace(namespace).withName(name).get())
                .map(Secret::getType);
        List<BypassRule> rules = List.of(
                new OptOutRule(),
                new HostAccessRule(),
                new HostPathRule(config.protectedHostPaths()),
                new OwnTokenRule(secretTypes));
        return new PodAdmission(rules, new ShimInjector(ShimSettings.from(config)),
                new Exemptions(config.exemptServiceAccounts().orElse(List.of())));
    }
}
