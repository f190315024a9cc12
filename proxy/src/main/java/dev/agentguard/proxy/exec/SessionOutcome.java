package dev.agentguard.proxy.exec;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * How a session ended.
 *
 * @param terminated      the proxy or an error cut the session short (else it ran to its end)
 * @param reason          why it was cut short, or how it ended
 * @param exitCode        the command's exit code, when the container reported one
 * @param blockedCommands commands refused during the session
 * @param masked          secrets replaced in the output
 */
public record SessionOutcome(boolean terminated, String reason, OptionalInt exitCode, long bytesIn, long bytesOut,
        List<String> blockedCommands, int masked, Instant startedAt, Instant endedAt) {
}
