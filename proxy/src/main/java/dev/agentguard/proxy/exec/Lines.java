package dev.agentguard.proxy.exec;

import java.util.Optional;

import dev.agentguard.api.exec.ShellScript;
import dev.agentguard.api.exec.ShellSyntaxException;
import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.policy.ExecPolicy;
import dev.agentguard.api.policy.PolicyRef;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.Mode;

/** What the stdin checker and the TTY tracker share about lines of shell input. */
final class Lines {

    /** The longest line, joined lines included, that is buffered to be checked. */
    static final int MAX_LINE_BYTES = 64 * 1024;
    /** The built-in rule that refuses what cannot be parsed; the name {@link ExecPolicy} uses for it. */
    static final String SYNTAX_RULE = "unparseable-script";

    private Lines() {
    }

    static boolean allowed(ExecPolicy.ExecDecision decision) {
        // RequireApproval cannot be waited for in the middle of a stream: it refuses the line too.
        return decision.decision().action() == Action.Allow;
    }

    /** A line too long to be buffered and checked is refused like one that cannot be parsed. */
    static ExecPolicy.ExecDecision tooLong() {
        return new ExecPolicy.ExecDecision(new Decision(Action.Deny, Optional.of(new Decision.Match(
                PolicyRef.BUILT_IN, SYNTAX_RULE, Action.Deny, Mode.Enforce, "the script cannot be parsed: a line is"
                        + " longer than " + MAX_LINE_BYTES + " bytes")), Optional.empty()), Optional.empty());
    }

    /** Whether only blanks: such a line runs nothing and is not checked. */
    static boolean blank(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    /** Whether a shell would read on before running it: an unterminated quote, $( or backtick. */
    static boolean unterminated(String text) {
        try {
            ShellScript.parse(text);
            return false;
        } catch (ShellSyntaxException e) {
            return true;
        }
    }

    /** Whether the text ends with a backslash that escapes the newline after it (an odd run of them). */
    static boolean endsWithContinuation(CharSequence text) {
        int run = 0;
        for (int i = text.length() - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
            run++;
        }
        return run % 2 == 1;
    }
}
