package dev.agentguard.api.policy;

import java.util.List;

import dev.agentguard.api.v1alpha1.StepUp;

/** Checks a policy's step-up requirement beyond what the CRD schema can say. */
final class StepUps {

    private StepUps() {
    }

    static void validate(StepUp stepUp, String path) {
        if (stepUp == null) {
            return;
        }
        boolean noAcr = stepUp.acrValues() == null || stepUp.acrValues().isEmpty();
        if (stepUp.maxAgeSeconds() == null && noAcr) {
            // An empty stepUp would read as "step-up on" while requiring nothing.
            throw new PolicyCompileException(path + ": set maxAgeSeconds, acrValues or both");
        }
        if (stepUp.maxAgeSeconds() != null && stepUp.maxAgeSeconds() < 1) {
            throw new PolicyCompileException(path + ".maxAgeSeconds: must be at least 1, got "
                    + stepUp.maxAgeSeconds());
        }
        List<String> acrs = noAcr ? List.of() : stepUp.acrValues();
        for (int i = 0; i < acrs.size(); i++) {
            if (acrs.get(i) == null || acrs.get(i).isBlank()) {
                throw new PolicyCompileException(path + ".acrValues[" + i + "]: must not be empty");
            }
        }
    }
}
