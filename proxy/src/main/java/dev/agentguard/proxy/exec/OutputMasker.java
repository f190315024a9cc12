package dev.agentguard.proxy.exec;

import java.util.List;

import dev.agentguard.proxy.masking.LineMasker;
import dev.agentguard.proxy.masking.SecretDetectors;

/**
 * Masks secrets in a session's stdout and stderr, a line at a time, however
 * the container's output is split into frames. Each stream has its own state (a
 * private key block spans lines). A partial line is held until its end or until
 * the session goes quiet ({@link #flush}), so prompts still appear.
 */
final class OutputMasker {

    private final LineMasker stdout;
    private final LineMasker stderr;

    OutputMasker(List<String> patterns) {
        this.stdout = new LineMasker(SecretDetectors.withCustom(patterns));
        this.stderr = new LineMasker(SecretDetectors.withCustom(patterns));
    }

    byte[] feed(int channel, byte[] data) {
        return stream(channel).feed(data);
    }

    /** The held partial line of the stream, masked. */
    byte[] flush(int channel) {
        return stream(channel).end();
    }

    boolean holdsPartialLine(int channel) {
        return stream(channel).holdsPartialLine();
    }

    int masked() {
        return stdout.masked() + stderr.masked();
    }

    private LineMasker stream(int channel) {
        return switch (channel) {
            case ChannelProtocol.STDOUT -> stdout;
            case ChannelProtocol.STDERR -> stderr;
            default -> throw new IllegalArgumentException("channel " + channel + " is not an output stream");
        };
    }
}
