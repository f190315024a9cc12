package dev.agentguard.proxy.recording;

import java.util.List;

/**
 * What {@link ChainVerifier#verifySession} found for one session.
 *
 * @param intact     the recording matches its ledger entry and the chain up to it holds
 * @param problems   what breaks it, one sentence each (empty when intact)
 * @param digest     the session's chain digest, or null when it has no ledger entry
 * @param incomplete the ledger marks the recording as not covering the whole session
 */
public record SessionVerification(String session, boolean intact, List<String> problems, String digest,
        boolean incomplete) {

    public SessionVerification {
        problems = List.copyOf(problems);
    }
}
