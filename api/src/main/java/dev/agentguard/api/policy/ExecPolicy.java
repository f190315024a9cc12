package dev.agentguard.api.policy;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.agentguard.api.exec.ShellScript;
import dev.agentguard.api.exec.ShellSyntaxException;
import dev.agentguard.api.exec.SimpleCommand;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.Mode;

/**
 * Decides about a command an agent wants to run in a container: the exec argv,
 * and for shells given a script every simple command in it. The same precedence
 * as {@link PolicyEngine}: Deny over RequireApproval over Allow across Enforce
 * policies; Audit policies reported, never applied; no match allows.
 */
public final class ExecPolicy {

    static final String OPAQUE_RULE = "refuse-opaque-scripts";
    static final String SYNTAX_RULE = "unparseable-script";

    private ExecPolicy() {
    }

    /** The outcome, and which simple command decided it. */
    public record ExecDecision(Decision decision, Optional<SimpleCommand> command) {
    }

    public static ExecDecision decide(List<String> argv, AgentIdentity agent, List<CompiledPolicy> policies) {
        return decideParsed(() -> ShellScript.ofArgv(argv), agent, policies);
    }

    /**
     * The same as {@link #decide} for a script's text rather than an argv: a line
     * typed into a shell or read from its stdin. Every simple command in it is
     * checked; text a shell would not run (an unterminated quote, {@code $(} or
     * backtick) is refused by a built-in rule.
     */
    public static ExecDecision decideScript(String script, AgentIdentity agent, List<CompiledPolicy> policies) {
        return decideParsed(() -> ShellScript.parse(script), agent, policies);
    }

    private static ExecDecision decideParsed(Supplier<ShellScript> parse, AgentIdentity agent,
            List<CompiledPolicy> policies) {
        List<CompiledPolicy> selecting = policies.stream().filter(p -> p.selects(agent)).toList();
        ShellScript script;
        try {
            script = parse.get();
        } catch (ShellSyntaxException e) {
            // What no shell would run is refused rather than guessed at.
            return new ExecDecision(new Decision(Action.Deny, Optional.of(new Decision.Match(PolicyRef.BUILT_IN,
                    SYNTAX_RULE, Action.Deny, Mode.Enforce, "the script cannot be parsed: " + e.getMessage())),
                    Optional.empty()), Optional.empty());
        }
        Best enforced = new Best();
        Best audited = new Best();
        for (SimpleCommand command : script.commands()) {
            for (CompiledPolicy policy : selecting) {
                Best best = policy.mode() == Mode.Enforce ? enforced : audited;
                for (CompiledExecRule rule : policy.execRules()) {
                    if (rule.matches(command)) {
                        best.offer(new Decision.Match(policy.ref(), rule.name(), rule.action(), policy.mode(),
                                rule.reason()), command);
                    }
                }
            }
        }
        if (script.opaque()) {
            for (CompiledPolicy policy : selecting) {
                if (policy.refuseOpaqueScripts()) {
                    (policy.mode() == Mode.Enforce ? enforced : audited).offer(new Decision.Match(policy.ref(),
                            OPAQUE_RULE, Action.Deny, policy.mode(), "the script's commands cannot be known before"
                                    + " it runs (variables as programs, eval, source, here-documents)"), null);
                }
            }
        }
        Action action = enforced.match == null ? Action.Allow : enforced.match.action();
        Optional<Decision.Match> wouldHave = Optional.ofNullable(audited.match)
                .filter(a -> a.action().compareTo(action) > 0);
        return new ExecDecision(new Decision(action, Optional.ofNullable(enforced.match), wouldHave),
                Optional.ofNullable(enforced.command));
    }

    private static final class Best {
        private Decision.Match match;
        private SimpleCommand command;

        void offer(Decision.Match candidate, SimpleCommand by) {
            if (match == null || candidate.action().compareTo(match.action()) > 0) {
                match = candidate;
                command = by;
            }
        }
    }
}
