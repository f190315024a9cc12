package dev.agentguard.operator.policy;

import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;

/** Validates each AgentPolicy into the bundle and reports Ready, observedGeneration and proxies. */
@ControllerConfiguration(name = "agentpolicy")
public class AgentPolicyController extends PolicyReconciler<AgentPolicy> {

    public AgentPolicyController() {
        super(AgentPolicy.class);
    }

    @Override
    String key(AgentPolicy policy) {
        return PolicyBundle.key(policy);
    }
}
