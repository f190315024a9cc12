package dev.agentguard.kubectl.recordings;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;

import dev.agentguard.kubectl.ClusterOptions;
import dev.agentguard.kubectl.ExitCodes;
import dev.agentguard.kubectl.Failure;
import dev.agentguard.recordings.RecordingClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Plays a session's recording, fetched from the proxy that wrote it, to the terminal. */
@Command(name = "replay", description = {"Replay a session's recording (asciicast v2) with its timing.",
        "On a terminal, title, clipboard (OSC 52) and other string commands are dropped; piped, only text is printed."})
public final class ReplayCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    SessionOptions target;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "1",
            description = "Playback speed; 0 prints at once (default: ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--max-idle", paramLabel = "SECONDS", defaultValue = "2",
            description = "Longest pause replayed, however long the agent was idle (default: ${DEFAULT-VALUE}).")
    double maxIdle;

    @Option(names = "--show-input", description = "Also print what the agent typed, marked [input: …].")
    boolean showInput;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (speed < 0 || Double.isNaN(speed) || maxIdle < 0 || Double.isNaN(maxIdle)) {
            throw Failure.of("--speed and --max-idle must be 0 or more");
        }
        // A terminal only when the plugin writes to one: in tests and pipes the output is plain text.
        boolean terminal = System.console() != null;
        try (KubernetesClient client = cluster.client()) {
            String token = target.tokenFor(client, cluster);
            try (InputStream cast = new RecordingClient(client, cluster.systemNamespace()).fetch(target.session, token)) {
                new Player(new Player.Options(speed, maxIdle, showInput, terminal), spec.commandLine().getOut(),
                        spec.commandLine().getErr()).play(cast);
            }
        }
        return ExitCodes.OK;
    }
}
