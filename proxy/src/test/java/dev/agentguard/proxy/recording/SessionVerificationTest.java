package dev.agentguard.proxy.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionVerificationTest {

    @TempDir
    Path dir;

    @Test
    void anIntactSessionCarriesItsDigest() throws IOException {
        List<ChainEntry> entries = Sessions.chain(dir, 3);

        SessionVerification verification = ChainVerifier.verifySession(dir, "s-2");

        assertThat(verification.intact()).isTrue();
        assertThat(verification.problems()).isEmpty();
        assertThat(verification.digest()).isEqualTo(entries.get(1).digest());
    }

    @Test
    void anotherSessionsEditedFileDoesNotBreakThisOne() throws IOException {
        Sessions.chain(dir, 3);
        Files.writeString(dir.resolve("s-1.cast"), "edited\n");

        assertThat(ChainVerifier.verifySession(dir, "s-2").intact()).isTrue();
        assertThat(ChainVerifier.verifySession(dir, "s-1").problems()).singleElement().asString()
                .startsWith("entry 1 (session s-1, s-1.cast): edited: sha256 is ");
    }

    @Test
    void aBrokenChainBeforeTheSessionBreaksIt() throws IOException {
        Sessions.chain(dir, 3);
        Path ledger = dir.resolve(RecordingChain.LEDGER);
        List<String> lines = new ArrayList<>(Files.readAllLines(ledger));
        lines.remove(0);
        Files.write(ledger, lines);

        SessionVerification verification = ChainVerifier.verifySession(dir, "s-3");

        assertThat(verification.intact()).isFalse();
        assertThat(verification.problems()).singleElement().asString().contains("gap");
    }

    @Test
    void aSessionMissingFromTheLedgerIsNotIntact() throws IOException {
        Sessions.chain(dir, 1);

        SessionVerification verification = ChainVerifier.verifySession(dir, "s-9");

        assertThat(verification.intact()).isFalse();
        assertThat(verification.digest()).isNull();
        assertThat(verification.problems()).singleElement().asString().contains("has no entry in the ledger");
    }
}
