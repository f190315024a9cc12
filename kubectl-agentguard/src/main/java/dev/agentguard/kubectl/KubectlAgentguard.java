package dev.agentguard.kubectl;

import java.util.logging.Level;
import java.util.logging.Logger;

import dev.agentguard.kubectl.approvals.ApprovalsCommand;
import dev.agentguard.kubectl.approvals.ApproveCommand;
import dev.agentguard.kubectl.approvals.DenyCommand;
import dev.agentguard.kubectl.policy.PolicyCommand;
import dev.agentguard.kubectl.recordings.ReplayCommand;
import dev.agentguard.kubectl.recordings.VerifyCommand;
import dev.agentguard.kubectl.sessions.SessionsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kubectl agentguard}: kubectl finds it on the PATH as {@code kubectl-agentguard}. Every
 * command that talks to the cluster does so with the caller's kubeconfig, so the API server, RBAC
 * and agentguard's approvals webhook see the caller, never a service account of agentguard's.
 */
@Command(name = "kubectl agentguard", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Decide what agents wait for, see what they did, and test policies.",
        subcommands = {ApprovalsCommand.class, ApproveCommand.class, DenyCommand.class, SessionsCommand.class,
                ReplayCommand.class, VerifyCommand.class, PolicyCommand.class})
public final class KubectlAgentguard {

    /** Held: java.util.logging loggers are weakly referenced, and a collected one forgets its level. */
    private static final Logger ROOT_LOGGER = Logger.getLogger("");

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling, for main and for tests. */
    public static CommandLine commandLine() {
        // Libraries speak up only when something is wrong; a failure is one line of ours (Failure).
        ROOT_LOGGER.setLevel(Level.SEVERE);
        for (var handler : ROOT_LOGGER.getHandlers()) {
            handler.setLevel(Level.SEVERE);
        }
        CommandLine commandLine = new CommandLine(new KubectlAgentguard());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Failure failure = Failure.of(e);
            cmd.getErr().println("error: " + failure.message());
            return failure.exitCode();
        });
        return commandLine;
    }
}
