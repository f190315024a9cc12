package dev.agentguard.proxy.recording;

import java.time.Instant;
import java.util.List;

/**
 * What the header of a session recording says.
 *
 * @param agent  the agent pod, {@code ns/pod}
 * @param target the container exec'd into, {@code ns/pod/container}
 */
public record SessionHeader(String session, int width, int height, Instant startedAt, List<String> command,
        String agent, String target, String node, boolean tty) {

    public SessionHeader {
        command = command == null ? List.of() : List.copyOf(command);
    }
}
