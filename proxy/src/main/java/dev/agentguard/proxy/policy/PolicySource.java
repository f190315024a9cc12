package dev.agentguard.proxy.policy;

import java.util.List;

import dev.agentguard.api.policy.CompiledPolicy;

/**
 * Where the proxy's policies come from. Implementations swap the whole set at
 * once, so a request is always judged by one consistent set.
 */
public interface PolicySource {

    List<CompiledPolicy> current();

    /** False until a first policy set is in force; the proxy refuses every request until then. */
    default boolean loaded() {
        return true;
    }
}
