package dev.agentguard.kubectl.policy;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.agentguard.api.exec.SimpleCommand;
import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.policy.ExecPolicy;
import dev.agentguard.api.policy.PolicyEngine;
import dev.agentguard.api.request.MalformedRequestException;
import dev.agentguard.api.request.RequestAttributes;
import dev.agentguard.api.request.RequestParser;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.kubectl.ExitCodes;
import dev.agentguard.kubectl.Failure;
import dev.agentguard.kubectl.output.Printable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the node proxy would decide for one request or exec command, computed offline with the
 * proxy's own engine (the api module): the API rules, then for exec the command with its shell
 * script split. The exit code is the decision, for CI.
 */
@Command(name = "test", description = {"Decide a request or an exec command offline, as the proxy would.",
        "Exit code: 0 allowed, 3 denied, 4 requires approval, 1 error, 2 usage."})
public final class PolicyTestCommand implements Callable<Integer> {

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
            description = "Policy YAML (repeatable; multi-document files are fine).")
    List<Path> files;

    @Option(names = "--as-agent", required = true, paramLabel = "NAMESPACE/SERVICEACCOUNT",
            description = "The agent: its namespace and ServiceAccount.")
    String asAgent;

    @Option(names = "--pod", paramLabel = "NAME", defaultValue = "agent", description = "The agent's pod name (default: ${DEFAULT-VALUE}).")
    String pod;

    @Option(names = "--pod-label", paramLabel = "KEY=VALUE", description = "A label of the agent's pod (repeatable).")
    Map<String, String> podLabels = Map.of();

    @Option(names = "--namespace-label", paramLabel = "KEY=VALUE",
            description = "A label of the agent's namespace, for ClusterAgentPolicy selectors (repeatable).")
    Map<String, String> namespaceLabels = Map.of();

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--request", paramLabel = "'METHOD PATH'",
                description = "An API request, e.g. 'GET /api/v1/namespaces/team/secrets'.")
        String request;

        @Option(names = "--exec", paramLabel = "'COMMAND'",
                description = "A command line for kubectl exec, e.g. 'sh -c \"pg_dump db\"'.")
        String exec;
    }

    @Option(names = "--target", paramLabel = "POD", defaultValue = "target",
            description = "With --exec: the pod exec'd into, in the agent's namespace (default: ${DEFAULT-VALUE}).")
    String target;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AgentIdentity agent = agent();
        List<CompiledPolicy> policies = PolicyFiles.load(files, agent.namespace());
        RequestAttributes request = what.request != null ? parseRequest(what.request) : execRequest(agent);
        Decision decision = PolicyEngine.decide(request, agent, policies);
        Optional<SimpleCommand> command = Optional.empty();
        if (what.exec != null && decision.action() == Action.Allow) {
            // As the proxy: the command is decided only when the API rules let the exec through.
            ExecPolicy.ExecDecision exec = ExecPolicy.decideScript(what.exec, agent, policies);
            if (exec.decision().action() != Action.Allow || exec.decision().wouldHave().isPresent()) {
                decision = exec.decision();
                command = exec.command();
            }
        }
        print(decision, command, request);
        return switch (decision.action()) {
            case Allow -> ExitCodes.OK;
            case Deny -> ExitCodes.DENIED;
            case RequireApproval -> ExitCodes.REQUIRES_APPROVAL;
        };
    }

    private AgentIdentity agent() {
        String[] parts = asAgent.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw Failure.of("--as-agent takes NAMESPACE/SERVICEACCOUNT, got '" + asAgent + "'");
        }
        return new AgentIdentity(parts[0], parts[1], pod, podLabels, namespaceLabels);
    }

    private static RequestAttributes parseRequest(String text) {
        String[] parts = text.trim().split("\\s+", 2);
        if (parts.length != 2) {
            throw Failure.of("--request takes 'METHOD PATH', e.g. 'GET /api/v1/namespaces/team/secrets', got '" + text + "'");
        }
        String method = parts[0].toUpperCase(java.util.Locale.ROOT);
        if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD").contains(method)) {
            throw Failure.of("--request: '" + parts[0] + "' is not an HTTP method the API server serves");
        }
        int query = parts[1].indexOf('?');
        try {
            return RequestParser.parse(method, query < 0 ? parts[1] : parts[1].substring(0, query),
                    query < 0 ? null : parts[1].substring(query + 1), null);
        } catch (MalformedRequestException e) {
            throw Failure.of("--request: " + e.getMessage());
        }
    }

    private RequestAttributes execRequest(AgentIdentity agent) {
        String path = "/api/v1/namespaces/" + agent.namespace() + "/pods/" + target + "/exec";
        String query = "stdout=true&stderr=true&command=" + URLEncoder.encode(what.exec, StandardCharsets.UTF_8);
        return RequestParser.parse("POST", path, query, null);
    }

    private void print(Decision decision, Optional<SimpleCommand> command, RequestAttributes request) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("request:  " + request.verb() + " " + Printable.of(request.path()));
        out.println("decision: " + decision.action());
        decision.match().ifPresent(m -> {
            out.println("policy:   " + m.policy());
            out.println("rule:     " + m.rule());
            if (m.reason() != null && !m.reason().isEmpty()) {
                out.println("reason:   " + m.reason());
            }
        });
        command.ifPresent(c -> out.println("command:  " + Printable.of(String.join(" ", c.argv()))));
        decision.wouldHave().ifPresent(m -> out.println("audit:    an Audit-mode policy would " + m.action()
                + ": " + m.policy() + " rule " + m.rule()));
        out.flush();
    }
}
