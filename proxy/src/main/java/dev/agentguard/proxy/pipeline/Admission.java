package dev.agentguard.proxy.pipeline;

import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.request.RequestAttributes;
import dev.agentguard.proxy.identity.PodIdentity;
import dev.agentguard.proxy.exec.SessionPlan;
import dev.agentguard.proxy.masking.MaskingPlan;

/**
 * One request after the proxy's checks: who asked, what for, what policy says, and what to mask.
 *
 * @param command for an exec refused by an exec rule: the command that decided it, else null
 * @param session for exec and attach: the session's plan, else null
 */
record Admission(PodIdentity pod, AgentIdentity agent, RequestAttributes attributes, Decision decision,
        MaskingPlan masking, String command, SessionPlan session) {
}
