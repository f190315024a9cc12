package dev.agentguard.proxy;

import java.util.Arrays;

import dev.agentguard.proxy.recording.OwnRecordingsCommand;
import dev.agentguard.proxy.recording.VerifyCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The proxy's entry point. {@code verify [dir]} checks recordings offline and
 * {@code own-recordings [dir]} prepares their hostPath directory (the
 * DaemonSet's init container), both without starting Quarkus (no config, no
 * cluster, no ports); anything else runs the proxy.
 */
@QuarkusMain
public class ProxyMain {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("verify")) {
            System.exit(VerifyCommand.run(System.out, System.err, Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("own-recordings")) {
            System.exit(OwnRecordingsCommand.run(System.out, System.err, Arrays.copyOfRange(args, 1, args.length)));
        }
        Quarkus.run(args);
    }
}
