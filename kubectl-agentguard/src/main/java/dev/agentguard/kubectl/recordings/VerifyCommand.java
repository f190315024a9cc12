package dev.agentguard.kubectl.recordings;

import dev.agentguard.recordings.ControlSequences;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.agentguard.kubectl.ClusterOptions;
import dev.agentguard.kubectl.ExitCodes;
import dev.agentguard.recordings.RecordingClient;
import dev.agentguard.recordings.Verification;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Asks the proxy that recorded a session whether its recording and the node's chain up to it are intact. */
@Command(name = "verify", description = "Check a session's recording against the node's SHA-256 chain (exit 1 if not intact).")
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    SessionOptions target;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (KubernetesClient client = cluster.client()) {
            String token = target.tokenFor(client, cluster);
            Verification verification = new RecordingClient(client, cluster.systemNamespace())
                    .verification(target.session, token);
            String incomplete = verification.incomplete() ? "; the recording does not cover the whole session" : "";
            if (verification.intact()) {
                out.println(target.session + ": chain intact (digest " + verification.digest() + ")" + incomplete);
                return ExitCodes.OK;
            }
            out.println(target.session + ": NOT intact" + incomplete);
            verification.problems().forEach(p -> out.println("  " + ControlSequences.plain(p)));
            return ExitCodes.ERROR;
        }
    }
}
