package dev.agentguard.api.policy;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.agentguard.api.exec.SimpleCommand;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.ExecRule;

/** An {@link ExecRule} ready to match simple commands. */
record CompiledExecRule(String name, Action action, List<Glob> programs, Optional<Pattern> args, String reason) {

    static CompiledExecRule compile(ExecRule rule, String field) {
        if (rule.name() == null || rule.name().isBlank()) {
            throw new PolicyCompileException(field + ".name: required");
        }
        if (rule.action() == null) {
            throw new PolicyCompileException(field + ".action: required (Allow, Deny, RequireApproval)");
        }
        if (rule.programs().isEmpty()) {
            throw new PolicyCompileException(field + ".programs: name at least one program (or '*')");
        }
        Optional<Pattern> args = Optional.empty();
        if (rule.args() != null && !rule.args().isEmpty()) {
            try {
                args = Optional.of(Pattern.compile(rule.args()));
            } catch (PatternSyntaxException e) {
                throw new PolicyCompileException(field + ".args: '" + rule.args()
                        + "' is not a valid regular expression: " + e.getDescription());
            }
        }
        return new CompiledExecRule(rule.name(), rule.action(), rule.programs().stream().map(Glob::new).toList(),
                args, rule.reason() == null ? "" : rule.reason());
    }

    boolean matches(SimpleCommand command) {
        return programs.stream().anyMatch(g -> g.matches(command.program()))
                && args.map(p -> p.matcher(String.join(" ", command.arguments())).find()).orElse(true);
    }
}
