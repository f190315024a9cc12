package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/** Rules for exec and attach sessions of the agents a policy selects. */
public record ExecSettings(
        @Size(max = 128)
        @JsonPropertyDescription("Command rules. Every simple command of a script is checked; Deny wins over RequireApproval over Allow.")
        List<ExecRule> rules,

        @JsonPropertyDescription("Refuse scripts whose commands cannot be known before they run (a program taken from a variable, eval, source, here-documents). Default false.")
        Boolean refuseOpaqueScripts,

        @Min(0)
        @JsonPropertyDescription("Most bytes a session may send to the agent (stdout and stderr); the session is ended past it. Unset means no limit.")
        Long outputBudgetBytes) {

    public List<ExecRule> rules() {
        return rules == null ? List.of() : rules;
    }
}
