package dev.agentguard.recordings;

import java.util.List;

/**
 * The proxy's answer to {@code GET /agentguard/v1/recordings/{ns}/{session}/verification}.
 *
 * @param intact     the recording matches its ledger entry and the node's chain up to it holds
 * @param problems   what breaks it, one sentence each
 * @param digest     the session's chain digest (null when it has no ledger entry)
 * @param incomplete the recording does not cover the whole session (marked so by the proxy)
 */
public record Verification(String session, boolean intact, List<String> problems, String digest,
        boolean incomplete) {

    public Verification {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }
}
