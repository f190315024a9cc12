package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Written by the proxy when the session ends. */
public record AgentSessionStatus(
        @JsonPropertyDescription("Running, Completed, or Terminated (cut short by policy, budget or error).") String phase,
        @JsonPropertyDescription("When the session ended (RFC 3339).") String endedAt,
        @JsonPropertyDescription("Session length in seconds.") Long durationSeconds,
        @JsonPropertyDescription("Exit code of the command, when the container reported one.") Integer exitCode,
        @JsonPropertyDescription("Bytes from the agent (stdin).") Long bytesIn,
        @JsonPropertyDescription("Bytes to the agent (stdout, stderr).") Long bytesOut,
        @JsonPropertyDescription("Commands refused during the session.") List<String> blockedCommands,
        @JsonPropertyDescription("Why the session was terminated, if it was.") String terminationReason,
        @JsonPropertyDescription("Where the recording is (node and path).") String recording,
        @JsonPropertyDescription("SHA-256 chain digest of the recording.") String digest,
        @JsonPropertyDescription("True when the recording does not cover the whole session.") Boolean incomplete) {
}
