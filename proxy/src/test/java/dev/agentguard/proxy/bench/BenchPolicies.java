package dev.agentguard.proxy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Policies for seeing how the proxy's cost grows with their number: each selects the
 * benchmark's agent and denies reading one ConfigMap that the benchmark never reads
 * otherwise ({@code denied-<i>}), so every request is decided against all of them and
 * none of the timed ones is refused. The bundle is published as the operator would,
 * before the proxy starts; a GET of the last policy's ConfigMap must then be refused by
 * that policy, which proves the proxy holds them all.
 */
final class BenchPolicies {

    private BenchPolicies() {
    }

    static void publish(KubernetesClient admin, String namespace, int count) {
        List<AgentPolicy> policies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            policies.add(Serialization.unmarshal("""
                    apiVersion: agentguard.dev/v1alpha1
                    kind: AgentPolicy
                    metadata: {name: %s, namespace: %s, generation: 1}
                    spec:
                      rules:
                        - name: no-%s
                          action: Deny
                          verbs: [get]
                          apiGroups: [""]
                          resources: [configmaps]
                          names: [%s]
                          reason: benchmark policy %d of %d
                    """.formatted(name(i), namespace, denied(i), denied(i), i + 1, count), AgentPolicy.class));
        }
        PolicyBundle.Built bundle = PolicyBundle.build(policies, List.of());
        if (!bundle.rejected().isEmpty()) {
            throw new IllegalStateException("benchmark policies rejected: " + bundle.rejected());
        }
        admin.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(PolicyBundle.NAME)
                .withNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).endMetadata().withData(bundle.data()).build())
                .createOr(NonDeletingOperation::update);
    }

    /** The ConfigMap the {@code i}th policy denies. */
    static String denied(int i) {
        return "denied-" + i;
    }

    /** agentguard's refusal by the {@code i}th policy. */
    static Expected refusedBy(int i) {
        return (status, body) -> status == 403 && body.contains(name(i)) ? Optional.empty()
                : Optional.of("not refused by policy " + name(i) + ": " + status + " " + body);
    }

    private static String name(int i) {
        return "bench-policy-" + i;
    }
}
