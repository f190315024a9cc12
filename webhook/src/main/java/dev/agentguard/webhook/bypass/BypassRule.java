package dev.agentguard.webhook.bypass;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * One way a pod could get around the shim. Each rule reports every violation it
 * finds as a sentence saying what is wrong and how to fix it.
 */
public interface BypassRule {

    List<String> violations(Pod pod, String namespace);
}
