package dev.agentguard.api.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.request.RequestAttributes;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.Mode;

/**
 * Decides what happens to an agent's request. Pure: same inputs, same decision.
 *
 * <p>Precedence, in order:
 * <ol>
 * <li>Writes to {@code agentguard.dev} resources are denied, always: agents can
 * never change policies, approvals or sessions.</li>
 * <li>Among the rules of all Enforce policies that select the agent and match
 * the request, the strongest action wins: Deny over RequireApproval over Allow.
 * Ties go to the first policy by kind, namespace and name, then rule order.</li>
 * <li>With no matching Enforce rule, tunnels the proxy cannot inspect and token
 * minting ({@link #DENIED_UNLESS_ALLOWED}) are denied; everything else is
 * allowed (the agent's own RBAC still applies upstream).</li>
 * <li>Audit policies never change the outcome; their strongest match is
 * reported as {@link Decision#wouldHave()} when it is stronger.</li>
 * </ol>
 */
public final class PolicyEngine {

    /** Subresources denied unless an Enforce policy explicitly allows them. */
    public static final Set<String> DENIED_UNLESS_ALLOWED = Set.of("pods/portforward", "pods/proxy",
            "services/proxy", "nodes/proxy", "serviceaccounts/token", "pods/ephemeralcontainers");

    static final String READ_ONLY_RULE = "agentguard-resources-are-read-only";
    static final String UNINSPECTABLE_RULE = "deny-unless-allowed";

    private static final Comparator<CompiledPolicy> ORDER = Comparator
            .comparing((CompiledPolicy p) -> p.ref().kind())
            .thenComparing(p -> p.ref().namespace())
            .thenComparing(p -> p.ref().name());

    private PolicyEngine() {
    }

    public static Decision decide(RequestAttributes request, AgentIdentity agent, List<CompiledPolicy> policies) {
        if (request.resourceRequest() && AgentGuard.GROUP.equals(request.apiGroup()) && !request.isReadOnly()) {
            return new Decision(Action.Deny, Optional.of(new Decision.Match(PolicyRef.BUILT_IN, READ_ONLY_RULE,
                    Action.Deny, Mode.Enforce, "agents cannot change agentguard policies, approvals or sessions")),
                    Optional.empty());
        }
        List<CompiledPolicy> selecting = policies.stream().filter(p -> p.selects(agent)).sorted(ORDER).toList();
        Optional<Decision.Match> enforced = strongest(request, selecting, Mode.Enforce);
        Optional<Decision.Match> audited = strongest(request, selecting, Mode.Audit);

        Decision.Match decided = enforced.orElse(null);
        if (decided == null && request.resourceRequest()
                && DENIED_UNLESS_ALLOWED.contains(request.resourceWithSubresource())) {
            decided = new Decision.Match(PolicyRef.BUILT_IN, UNINSPECTABLE_RULE, Action.Deny, Mode.Enforce,
                    request.resourceWithSubresource() + " is denied unless a policy allows it: the proxy cannot"
                            + " inspect tunnels, and minted tokens would bypass it");
        }
        Action action = decided == null ? Action.Allow : decided.action();
        Optional<Decision.Match> wouldHave = audited.filter(a -> a.action().compareTo(action) > 0);
        return decided == null ? Decision.allowByDefault(wouldHave)
                : new Decision(action, Optional.of(decided), wouldHave);
    }

    private static Optional<Decision.Match> strongest(RequestAttributes request, List<CompiledPolicy> policies,
            Mode mode) {
        Decision.Match best = null;
        for (CompiledPolicy policy : policies) {
            if (policy.mode() != mode) {
                continue;
            }
            for (CompiledRule rule : policy.rules()) {
                if (rule.matches(request) && (best == null || rule.action().compareTo(best.action()) > 0)) {
                    best = new Decision.Match(policy.ref(), rule.name(), rule.action(), mode, rule.reason());
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
