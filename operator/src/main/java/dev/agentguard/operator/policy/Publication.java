package dev.agentguard.operator.policy;

import dev.agentguard.api.policy.PolicyBundle;

/**
 * What one publish came to: the bundle built from every policy known now, its
 * size, and the bundle the ConfigMap holds. They differ while the built one is
 * too large to publish (the last one that fitted stays) and for the moment a
 * write waits for the informer to catch up.
 *
 * @param inForce the bundle in the ConfigMap, or null when there is none the operator knows
 */
record Publication(PolicyBundle.Built built, BundleSize size, PolicyBundle.Built inForce) {

    /** The generation of this policy the proxies are given, or null if the bundle in force lacks it. */
    Long generationInForce(String key) {
        return inForce == null ? null : inForce.generationOf(key);
    }
}
