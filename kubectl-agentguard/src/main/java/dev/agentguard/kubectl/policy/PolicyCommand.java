package dev.agentguard.kubectl.policy;

import picocli.CommandLine.Command;

@Command(name = "policy", description = "Work with policies offline.", subcommands = PolicyTestCommand.class)
public final class PolicyCommand {
}
