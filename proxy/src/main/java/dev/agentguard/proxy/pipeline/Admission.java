package dev.agentguard.proxy.pipeline;

import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.request.RequestAttributes;

/** One request after the proxy's checks: who asked, what for, and what policy says. */
record Admission(AgentIdentity agent, RequestAttributes attributes, Decision decision) {
}
