package dev.agentguard.kubectl.sessions;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.AgentSessionSpec;
import dev.agentguard.api.v1alpha1.AgentSessionStatus;
import dev.agentguard.kubectl.ClusterOptions;
import dev.agentguard.kubectl.ExitCodes;
import dev.agentguard.kubectl.output.Ages;
import dev.agentguard.kubectl.output.Table;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The exec and attach sessions agents opened, newest first, with what was refused in them. */
@Command(name = "sessions", description = "List AgentSessions: who ran what where, and what was blocked.")
public final class SessionsCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "Only sessions of agents in this namespace.")
    String agentNamespace;

    @Option(names = "--blocked", description = "Only sessions in which a command was refused.")
    boolean blocked;

    @Option(names = "--incomplete", description = "Only sessions whose recording does not cover the whole session.")
    boolean incomplete;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (KubernetesClient client = cluster.client()) {
            var inNamespace = client.resources(AgentSession.class).inNamespace(cluster.systemNamespace());
            List<AgentSession> sessions = (agentNamespace == null ? inNamespace
                    : inNamespace.withLabel(AgentGuard.GROUP + "/agent-namespace", agentNamespace))
                    .list().getItems().stream()
                    .filter(s -> agentNamespace == null || agentNamespace.equals(s.getSpec().agent().namespace()))
                    .filter(s -> !blocked || !blockedCommands(s).isEmpty())
                    .filter(s -> !incomplete || (s.getStatus() != null && Boolean.TRUE.equals(s.getStatus().incomplete())))
                    .sorted(Comparator.comparing((AgentSession s) -> s.getMetadata().getCreationTimestamp()).reversed())
                    .toList();
            if (sessions.isEmpty()) {
                out.println("No matching AgentSessions in " + cluster.systemNamespace() + ".");
                return ExitCodes.OK;
            }
            Instant now = Instant.now();
            Table table = new Table("NAME", "AGENT", "TARGET", "COMMAND", "AGE", "PHASE", "BLOCKED", "DIGEST");
            for (AgentSession session : sessions) {
                AgentSessionSpec s = session.getSpec();
                AgentSessionStatus status = session.getStatus();
                table.row(session.getMetadata().getName(),
                        s.agent().namespace() + "/" + s.agent().serviceAccount(),
                        s.target().namespace() + "/" + s.target().name()
                                + (s.container() == null ? "" : "/" + s.container()),
                        s.target().command() == null ? "" : String.join(" ", s.target().command()),
                        Ages.since(session.getMetadata().getCreationTimestamp(), now),
                        status == null || status.phase() == null ? "Running" : status.phase()
                                + (Boolean.TRUE.equals(status.incomplete()) ? " (incomplete)" : ""),
                        Integer.toString(blockedCommands(session).size()),
                        status == null || status.digest() == null ? "" : shortDigest(status.digest()));
            }
            table.print(out);
        }
        return ExitCodes.OK;
    }

    private static List<String> blockedCommands(AgentSession session) {
        return session.getStatus() == null || session.getStatus().blockedCommands() == null ? List.of()
                : session.getStatus().blockedCommands();
    }

    private static String shortDigest(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return "sha256:" + hex.substring(0, Math.min(12, hex.length()));
    }
}
