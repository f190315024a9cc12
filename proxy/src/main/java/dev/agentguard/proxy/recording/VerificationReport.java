package dev.agentguard.proxy.recording;

import java.util.List;

/**
 * What {@link ChainVerifier} found.
 *
 * @param entries  ledger entries read
 * @param problems what breaks the chain, one sentence each naming the entry, session and file
 * @param warnings what does not break it but deserves a look (recordings not in the ledger)
 */
public record VerificationReport(int entries, List<String> problems, List<String> warnings) {

    public VerificationReport {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
