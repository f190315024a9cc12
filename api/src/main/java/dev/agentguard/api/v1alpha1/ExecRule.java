package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One exec rule: which commands (in {@code kubectl exec}/{@code attach}, in
 * {@code sh -c} scripts, on stdin and typed in a TTY) it matches and what
 * happens to them.
 */
public record ExecRule(
        @Required @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") @Size(max = 63)
        @JsonPropertyDescription("Name of the rule, unique within the policy; shown when a command is refused.")
        String name,

        @Required
        @JsonPropertyDescription("What to do with a matching command: Allow, Deny or RequireApproval.")
        Action action,

        @Required
        @JsonPropertyDescription("Program base names, globs with '*' (pg_dump, mysql*, '*'); /usr/bin/pg_dump matches pg_dump.")
        List<String> programs,

        @JsonPropertyDescription("Regular expression (Java syntax) searched in the program's arguments joined by single spaces; empty matches any arguments. Example for aws: '^s3 (cp|sync|mv)\\\\b'.")
        String args,

        @JsonPropertyDescription("Why the rule exists; shown to the agent when a command is refused.")
        String reason) {

    public List<String> programs() {
        return programs == null ? List.of() : programs;
    }
}
