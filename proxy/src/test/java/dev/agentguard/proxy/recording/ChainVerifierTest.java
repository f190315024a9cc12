package dev.agentguard.proxy.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainVerifierTest {

    @TempDir
    Path dir;

    @Test
    void anIntactChainOfThreeVerifies() throws IOException {
        Sessions.chain(dir, 3);

        VerificationReport report = ChainVerifier.verify(dir);

        assertThat(report.problems()).isEmpty();
        assertThat(report.warnings()).isEmpty();
        assertThat(report.entries()).isEqualTo(3);
        assertThat(report.ok()).isTrue();
    }

    @Test
    void oneEditedByteIsReportedAsEditedNamingTheSession() throws IOException {
        List<ChainEntry> entries = Sessions.chain(dir, 3);
        Path file = dir.resolve("s-2.cast");
        byte[] bytes = Files.readAllBytes(file);
        int at = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).indexOf("output of");
        bytes[at] = 'O';
        Files.write(file, bytes);

        VerificationReport report = ChainVerifier.verify(dir);

        assertThat(report.ok()).isFalse();
        assertThat(report.problems()).singleElement().asString()
                .startsWith("entry 2 (session s-2, s-2.cast): edited: sha256 is ")
                .endsWith("but the chain recorded " + entries.get(1).sha256());
    }

    @Test
    void aLedgerLineDeletedInTheMiddleIsAGap() throws IOException {
        List<ChainEntry> entries = Sessions.chain(dir, 3);
        Path ledger = dir.resolve(RecordingChain.LEDGER);
        List<String> lines = new ArrayList<>(Files.readAllLines(ledger));
        lines.remove(1);
        Files.write(ledger, lines);

        VerificationReport report = ChainVerifier.verify(dir);

        assertThat(report.problems()).singleElement().asString()
                .startsWith("entry 3 (session s-3, s-3.cast): gap: previous digest " + entries.get(1).digest())
                .contains("does not match entry 1's digest " + entries.get(0).digest());
        assertThat(report.warnings()).singleElement().asString().startsWith("s-2.cast is not in the ledger");
    }

    @Test
    void aDeletedFirstLineIsAGapToo() throws IOException {
        Sessions.chain(dir, 2);
        Path ledger = dir.resolve(RecordingChain.LEDGER);
        List<String> lines = new ArrayList<>(Files.readAllLines(ledger));
        lines.remove(0);
        Files.write(ledger, lines);

        assertThat(ChainVerifier.verify(dir).problems()).singleElement().asString()
                .startsWith("entry 2 (session s-2, s-2.cast): gap: the ledger starts at sequence 2");
    }

    @Test
    void aDeletedRecordingIsReportedMissing() throws IOException {
        Sessions.chain(dir, 3);
        Files.delete(dir.resolve("s-2.cast"));

        assertThat(ChainVerifier.verify(dir).problems()).singleElement().asString()
                .startsWith("entry 2 (session s-2, s-2.cast): missing: ");
    }

    @Test
    void anEntryWhoseFieldsWereChangedIsAltered() throws IOException {
        Sessions.chain(dir, 3);
        Path ledger = dir.resolve(RecordingChain.LEDGER);
        List<String> lines = new ArrayList<>(Files.readAllLines(ledger));
        lines.set(1, lines.get(1).replace("\"incomplete\":false", "\"incomplete\":true"));
        Files.write(ledger, lines);

        assertThat(ChainVerifier.verify(dir).problems()).singleElement().asString()
                .startsWith("entry 2 (session s-2, s-2.cast): altered: ");
    }

    @Test
    void aRecordingNotInTheLedgerIsOnlyAWarning() throws IOException {
        Sessions.chain(dir, 2);
        SessionRecording.create(dir, Sessions.header("s-running"), new ManualClock(Sessions.START)).flush();

        VerificationReport report = ChainVerifier.verify(dir);

        assertThat(report.ok()).isTrue();
        assertThat(report.warnings()).singleElement().asString().startsWith("s-running.cast is not in the ledger");
    }

    @Test
    void aMissingLedgerIsAProblem() throws IOException {
        Sessions.chain(dir, 1);
        Files.delete(dir.resolve(RecordingChain.LEDGER));

        VerificationReport report = ChainVerifier.verify(dir);

        assertThat(report.problems()).singleElement().asString().contains("ledger").contains("does not exist");
        assertThat(report.warnings()).hasSize(1);
    }

    @Test
    void aTornLastLineIsAProblem() throws IOException {
        Sessions.chain(dir, 1);
        Files.writeString(dir.resolve(RecordingChain.LEDGER), "{\"seq", java.nio.file.StandardOpenOption.APPEND);

        assertThat(ChainVerifier.verify(dir).problems()).anySatisfy(problem -> assertThat(problem)
                .startsWith("line 2 of the ledger: torn"));
    }
}
