package dev.agentguard.demo;

import java.util.logging.Level;
import java.util.logging.Logger;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code make demo} and {@code make demo-down}: agentguard on a local control plane, in one command. */
@Command(name = "agentguard-demo", mixinStandardHelpOptions = true,
        description = "Runs agentguard on a local control plane and shows what it does to an agent.",
        subcommands = {UpCommand.class, DownCommand.class, ServeCommand.class})
public final class DemoMain {

    /** fabric8 warns on every v1alpha1 CRD it touches; agentguard's are v1alpha1 on purpose. Held: JUL loggers are weak. */
    private static final Logger VERSION_WARNINGS = Logger.getLogger(
            "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");

    public static void main(String[] args) {
        // The demo narrates what happens; libraries speak up only when something is wrong.
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        VERSION_WARNINGS.setLevel(Level.SEVERE);
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }
}
