package dev.agentguard.proxy.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.Glob;
import dev.agentguard.api.request.RequestAttributes;

/**
 * What must be masked in the response to one request. Secret values are always
 * masked; ConfigMap keys and container env values when a policy that selects the
 * agent names them.
 *
 * @param secrets        the response carries Secrets
 * @param configMapKeys  ConfigMap data keys to mask
 * @param envNames       container env var names whose values to mask
 * @param logs           the response is pod log text, masked by the secret detectors
 * @param patterns       extra regular expressions for the detectors
 */
public record MaskingPlan(boolean secrets, List<Glob> configMapKeys, List<Glob> envNames, boolean logs,
        List<String> patterns) {

    /** Resources whose objects embed pod templates (and so container env). */
    private static final Set<String> WITH_POD_SPECS = Set.of("pods", "deployments", "statefulsets", "daemonsets",
            "replicasets", "replicationcontrollers", "jobs", "cronjobs", "podtemplates");

    public static final MaskingPlan NONE = new MaskingPlan(false, List.of(), List.of(), false, List.of());

    public static MaskingPlan forRequest(RequestAttributes request, List<CompiledPolicy> selecting) {
        if (!request.resourceRequest()) {
            return NONE;
        }
        if (request.apiGroup().isEmpty() && "pods".equals(request.resource()) && "log".equals(request.subresource())) {
            List<String> patterns = new ArrayList<>();
            selecting.stream().filter(p -> p.masking() != null && p.masking().patterns() != null)
                    .forEach(p -> patterns.addAll(p.masking().patterns()));
            return new MaskingPlan(false, List.of(), List.of(), true, List.copyOf(patterns));
        }
        if (!request.subresource().isEmpty() && !"status".equals(request.subresource())) {
            return NONE;
        }
        boolean secrets = request.apiGroup().isEmpty() && "secrets".equals(request.resource());
        List<Glob> keys = new ArrayList<>();
        List<Glob> env = new ArrayList<>();
        for (CompiledPolicy policy : selecting) {
            if (policy.masking() == null) {
                continue;
            }
            if (request.apiGroup().isEmpty() && "configmaps".equals(request.resource())
                    && policy.masking().configMapKeys() != null) {
                policy.masking().configMapKeys().forEach(p -> keys.add(new Glob(p)));
            }
            if (WITH_POD_SPECS.contains(request.resource()) && policy.masking().envNames() != null) {
                policy.masking().envNames().forEach(p -> env.add(new Glob(p)));
            }
        }
        return new MaskingPlan(secrets, List.copyOf(keys), List.copyOf(env), false, List.of());
    }

    public boolean masksAnything() {
        return secrets || logs || !configMapKeys.isEmpty() || !envNames.isEmpty();
    }
}
