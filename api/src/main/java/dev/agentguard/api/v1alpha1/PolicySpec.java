package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What an AgentPolicy or ClusterAgentPolicy says about the agents it selects. */
@ValidationRule(value = "!has(self.rules) || self.rules.all(r, self.rules.exists_one(s, s.name == r.name))",
        message = "rule names must be unique within a policy")
@ValidationRule(value = "!has(self.egress) || !has(self.agentSelector)",
        message = "egress applies to every pod of the namespace (NetworkPolicies cannot subtract): a policy with egress cannot have an agentSelector")
public class PolicySpec {

    @JsonPropertyDescription("Which agent pods the policy applies to; empty selects all agents in scope.")
    private AgentSelector agentSelector;

    @Default("Enforce")
    @JsonPropertyDescription("Enforce applies decisions; Audit only records what would have happened. Default Enforce.")
    private Mode mode;

    @Size(max = 128)
    @JsonPropertyDescription("API rules. Across all policies that select an agent, Deny wins over RequireApproval, which wins over Allow.")
    private List<ApiRule> rules;

    @JsonPropertyDescription("Rules for commands run with kubectl exec and attach.")
    private ExecSettings exec;

    @JsonPropertyDescription("How RequireApproval rules are decided.")
    private ApprovalSettings approval;

    @JsonPropertyDescription("What to mask beyond Secret values.")
    private MaskingSettings masking;

    @JsonPropertyDescription("Where the namespace's pods may connect (AgentPolicy only). Unset: anywhere except the API server directly.")
    private EgressSettings egress;

    public AgentSelector getAgentSelector() {
        return agentSelector;
    }

    public void setAgentSelector(AgentSelector agentSelector) {
        this.agentSelector = agentSelector;
    }

    public Mode getMode() {
        return mode == null ? Mode.Enforce : mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public List<ApiRule> getRules() {
        return rules == null ? List.of() : rules;
    }

    public void setRules(List<ApiRule> rules) {
        this.rules = rules;
    }

    public ExecSettings getExec() {
        return exec;
    }

    public void setExec(ExecSettings exec) {
        this.exec = exec;
    }

    public ApprovalSettings getApproval() {
        return approval;
    }

    public void setApproval(ApprovalSettings approval) {
        this.approval = approval;
    }

    public MaskingSettings getMasking() {
        return masking;
    }

    public void setMasking(MaskingSettings masking) {
        this.masking = masking;
    }

    public EgressSettings getEgress() {
        return egress;
    }

    public void setEgress(EgressSettings egress) {
        this.egress = egress;
    }
}
