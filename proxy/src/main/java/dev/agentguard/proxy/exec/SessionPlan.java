package dev.agentguard.proxy.exec;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import dev.agentguard.api.exec.ExecRequest;
import dev.agentguard.api.exec.ShellScript;
import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.ExecPolicy;
import dev.agentguard.api.request.RequestAttributes;
import dev.agentguard.api.v1alpha1.Mode;

/**
 * One exec or attach session as admitted: who, into what, and the limits the
 * policies that select the agent put on it.
 *
 * @param session        name of the session's AgentSession and recording
 * @param command        the exec argv; empty for attach
 * @param stdin          the session has the agent's stdin (and likewise stdout, stderr), as the API server reads the query
 * @param shellStdin     stdin carries commands for a shell, so it is checked line by line
 * @param outputBudget   most bytes the agent may receive (the smallest Enforce budget)
 * @param patterns       the policies' extra secret patterns
 * @param policies       the policies in force, for checking typed lines
 */
public record SessionPlan(String session, AgentIdentity agent, String podUid, RequestAttributes target,
        List<String> command, String container, boolean tty, boolean stdin, boolean stdout, boolean stderr,
        boolean shellStdin,
        OptionalLong outputBudget, List<String> patterns, List<CompiledPolicy> policies) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

    public static SessionPlan admit(RequestAttributes target, Map<String, List<String>> query, AgentIdentity agent,
            String podUid, List<CompiledPolicy> inForce) {
        List<String> command = ExecRequest.isExec(target) ? ExecRequest.command(query) : List.of();
        List<CompiledPolicy> selecting = inForce.stream().filter(p -> p.selects(agent)).toList();
        OptionalLong budget = selecting.stream()
                .filter(p -> p.mode() == Mode.Enforce && p.outputBudgetBytes() != null)
                .mapToLong(CompiledPolicy::outputBudgetBytes).min();
        List<String> patterns = new ArrayList<>();
        selecting.stream().filter(p -> p.masking() != null && p.masking().patterns() != null)
                .forEach(p -> patterns.addAll(p.masking().patterns()));
        List<String> containers = query.getOrDefault("container", List.of());
        boolean tty = ExecRequest.flag(query, "tty");
        // What an attached process reads is unknown: its stdin is checked as a shell's would be.
        boolean shellStdin = ExecRequest.isAttach(target) || ShellScript.readsCommandsFromStdin(command);
        return new SessionPlan(name(agent.podName()), agent, podUid, target, command,
                containers.isEmpty() ? null : containers.get(0), tty, ExecRequest.flag(query, "stdin"),
                ExecRequest.flag(query, "stdout"), ExecRequest.flag(query, "stderr"), shellStdin,
                budget, List.copyOf(patterns), inForce);
    }

    /** Decides about one line the agent typed or piped into the session. */
    public ExecPolicy.ExecDecision decideLine(String line) {
        return ExecPolicy.decideScript(line, agent, policies);
    }

    /** "ns/pod/container" (container omitted when the request names none). */
    public String targetName() {
        return target.namespace() + "/" + target.name() + (container == null ? "" : "/" + container);
    }

    public String agentName() {
        return agent.namespace() + "/" + agent.podName();
    }

    /** A DNS-1123 name: the agent pod's name and a random suffix, unique per session. */
    private static String name(String podName) {
        String base = podName.length() > 40 ? podName.substring(0, 40) : podName;
        StringBuilder name = new StringBuilder(base.replaceAll("-+$", "")).append('-');
        for (int i = 0; i < 10; i++) {
            name.append(NAME_CHARS[RANDOM.nextInt(NAME_CHARS.length)]);
        }
        return name.toString();
    }
}
