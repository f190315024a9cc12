package dev.agentguard.api.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.AgentSelector;
import dev.agentguard.api.v1alpha1.ApprovalSettings;
import dev.agentguard.api.v1alpha1.ApiRule;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import dev.agentguard.api.v1alpha1.ExecRule;
import dev.agentguard.api.v1alpha1.MaskingSettings;
import dev.agentguard.api.v1alpha1.Mode;
import dev.agentguard.api.v1alpha1.PolicySpec;
import io.fabric8.kubernetes.api.model.LabelSelector;

/**
 * A validated policy, ready for {@link PolicyEngine}. Compiling is where bad
 * policies are caught; a policy that compiles is never half-applied.
 */
public record CompiledPolicy(PolicyRef ref, Mode mode, AgentSelector agentSelector,
        LabelSelector namespaceSelector, List<CompiledRule> rules, List<CompiledExecRule> execRules,
        boolean refuseOpaqueScripts, Long outputBudgetBytes, ApprovalSettings approval, MaskingSettings masking) {

    public static CompiledPolicy compile(AgentPolicy policy) {
        PolicyRef ref = new PolicyRef("AgentPolicy", policy.getMetadata().getNamespace(),
                policy.getMetadata().getName());
        return compile(ref, policy.getSpec(), null);
    }

    public static CompiledPolicy compile(ClusterAgentPolicy policy) {
        PolicyRef ref = new PolicyRef("ClusterAgentPolicy", "", policy.getMetadata().getName());
        var spec = policy.getSpec();
        return compile(ref, spec, spec == null ? null : spec.getNamespaceSelector());
    }

    private static CompiledPolicy compile(PolicyRef ref, PolicySpec spec, LabelSelector namespaceSelector) {
        if (spec == null) {
            throw new PolicyCompileException(ref + ": spec is required");
        }
        List<CompiledRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<ApiRule> declared = spec.getRules();
        for (int i = 0; i < declared.size(); i++) {
            CompiledRule rule = CompiledRule.compile(declared.get(i), "spec.rules[" + i + "]");
            if (!names.add(rule.name())) {
                throw new PolicyCompileException("spec.rules[" + i + "].name: duplicate rule name '" + rule.name() + "'");
            }
            rules.add(rule);
        }
        AgentSelector selector = spec.getAgentSelector();
        if (selector != null) {
            LabelSelectors.validate(selector.podSelector(), "spec.agentSelector.podSelector");
        }
        LabelSelectors.validate(namespaceSelector, "spec.namespaceSelector");
        if (spec.getMasking() != null && spec.getMasking().patterns() != null) {
            List<String> patterns = spec.getMasking().patterns();
            for (int i = 0; i < patterns.size(); i++) {
                try {
                    java.util.regex.Pattern.compile(patterns.get(i));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new PolicyCompileException("spec.masking.patterns[" + i + "]: '" + patterns.get(i)
                            + "' is not a valid regular expression: " + e.getDescription());
                }
            }
        }
        if (spec.getApproval() != null) {
            StepUps.validate(spec.getApproval().stepUp(), "spec.approval.stepUp");
        }
        List<CompiledExecRule> execRules = new ArrayList<>();
        boolean refuseOpaque = false;
        Long outputBudget = null;
        if (spec.getExec() != null) {
            Set<String> execNames = new HashSet<>();
            List<ExecRule> declaredExec = spec.getExec().rules();
            for (int i = 0; i < declaredExec.size(); i++) {
                CompiledExecRule rule = CompiledExecRule.compile(declaredExec.get(i), "spec.exec.rules[" + i + "]");
                if (!execNames.add(rule.name())) {
                    throw new PolicyCompileException("spec.exec.rules[" + i + "].name: duplicate rule name '"
                            + rule.name() + "'");
                }
                execRules.add(rule);
            }
            refuseOpaque = Boolean.TRUE.equals(spec.getExec().refuseOpaqueScripts());
            outputBudget = spec.getExec().outputBudgetBytes();
            if (outputBudget != null && outputBudget < 0) {
                throw new PolicyCompileException("spec.exec.outputBudgetBytes: must not be negative, got "
                        + outputBudget);
            }
        }
        return new CompiledPolicy(ref, spec.getMode(), selector, namespaceSelector, List.copyOf(rules),
                List.copyOf(execRules), refuseOpaque, outputBudget, spec.getApproval(), spec.getMasking());
    }

    /** Whether this policy applies to the agent. */
    public boolean selects(AgentIdentity agent) {
        boolean inScope = ref.kind().equals("AgentPolicy")
                ? ref.namespace().equals(agent.namespace())
                : LabelSelectors.matches(namespaceSelector, agent.namespaceLabels());
        if (!inScope) {
            return false;
        }
        if (agentSelector == null) {
            return true;
        }
        return LabelSelectors.matches(agentSelector.podSelector(), agent.podLabels())
                && (agentSelector.serviceAccounts().isEmpty()
                        || agentSelector.serviceAccounts().contains(agent.serviceAccount()));
    }
}
