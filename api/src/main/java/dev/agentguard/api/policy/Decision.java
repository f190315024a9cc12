package dev.agentguard.api.policy;

import java.util.Optional;

import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.Mode;

/**
 * The outcome for one request.
 *
 * @param action   what the proxy does: Allow, Deny or RequireApproval
 * @param match    the rule that decided, empty when no rule matched (allowed by default)
 * @param wouldHave a stronger outcome an Audit-mode policy would have imposed; recorded, not applied
 */
public record Decision(Action action, Optional<Match> match, Optional<Match> wouldHave) {

    /** A rule that matched. */
    public record Match(PolicyRef policy, String rule, Action action, Mode mode, String reason) {
    }

    static Decision allowByDefault(Optional<Match> wouldHave) {
        return new Decision(Action.Allow, Optional.empty(), wouldHave);
    }

    /** The mode to report: Audit when only an audit policy had something to say. */
    public Mode mode() {
        return match.isEmpty() && wouldHave.isPresent() ? Mode.Audit : Mode.Enforce;
    }
}
