package dev.agentguard.operator.policy;

import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;

/** Validates each ClusterAgentPolicy into the bundle and reports Ready, observedGeneration and proxies. */
@ControllerConfiguration(name = "clusteragentpolicy")
public class ClusterAgentPolicyController extends PolicyReconciler<ClusterAgentPolicy> {

    public ClusterAgentPolicyController() {
        super(ClusterAgentPolicy.class);
    }

    @Override
    String key(ClusterAgentPolicy policy) {
        return PolicyBundle.key(policy);
    }
}
