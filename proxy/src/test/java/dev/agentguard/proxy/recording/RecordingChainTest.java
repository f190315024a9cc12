package dev.agentguard.proxy.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class RecordingChainTest {

    private static final String ZEROS = "0".repeat(64);

    @TempDir
    Path dir;

    @Test
    void entriesChainFromZerosWithTheDocumentedDigest() throws IOException {
        List<ChainEntry> entries = Sessions.chain(dir, 2);

        ChainEntry first = entries.get(0);
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.session()).isEqualTo("s-1");
        assertThat(first.file()).isEqualTo("s-1.cast");
        assertThat(first.sha256()).isEqualTo(SessionRecordingTest.sha256(Files.readAllBytes(dir.resolve("s-1.cast"))));
        assertThat(first.previous()).isEqualTo(ZEROS);
        assertThat(first.digest()).isEqualTo(SessionRecordingTest.sha256(
                (ZEROS + "\n1\ns-1\ns-1.cast\n" + first.sha256() + "\nfalse").getBytes(StandardCharsets.UTF_8)));
        ChainEntry second = entries.get(1);
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.previous()).isEqualTo(first.digest());
    }

    @Test
    void theLedgerHasOneJsonLinePerEntry() throws IOException {
        List<ChainEntry> entries = Sessions.chain(dir, 2);

        List<String> lines = Files.readAllLines(dir.resolve(RecordingChain.LEDGER));
        assertThat(lines).hasSize(2);
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertThat(second.get("sequence").asLong()).isEqualTo(2);
        assertThat(second.get("session").asText()).isEqualTo("s-2");
        assertThat(second.get("file").asText()).isEqualTo("s-2.cast");
        assertThat(second.get("incomplete").asBoolean()).isFalse();
        assertThat(second.get("digest").asText()).isEqualTo(entries.get(1).digest());
    }

    @Test
    void aReopenedChainContinuesTheSequence() throws IOException {
        List<ChainEntry> before = Sessions.chain(dir, 2);

        RecordingChain reopened = new RecordingChain(dir);
        ChainEntry third = reopened.append("s-3", Sessions.record(dir, "s-3"));

        assertThat(third.sequence()).isEqualTo(3);
        assertThat(third.previous()).isEqualTo(before.get(1).digest());
        VerificationReport report = ChainVerifier.verify(dir);
        assertThat(report.problems()).isEmpty();
        assertThat(report.entries()).isEqualTo(3);
    }

    @Test
    void anIncompleteRecordingIsChainedAsIncomplete() throws IOException {
        RecordingChain chain = new RecordingChain(dir);
        CompletedRecording recording = SessionRecording.create(dir, Sessions.header("s-cut"),
                new ManualClock(Sessions.START)).complete("agent disconnected", true);

        assertThat(chain.append("s-cut", recording).incomplete()).isTrue();
        assertThat(ChainVerifier.verify(dir).ok()).isTrue();
    }

    @Test
    void aTornLastLineIsRefusedNamingTheLine() throws IOException {
        Sessions.chain(dir, 2);
        Files.writeString(dir.resolve(RecordingChain.LEDGER), "{\"sequence\":3,\"sess", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> new RecordingChain(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("line 3").hasMessageContaining("torn");
        assertThat(Files.readAllLines(dir.resolve(RecordingChain.LEDGER))).as("not repaired").hasSize(3);
    }

    @Test
    void anUnreadableLastLineIsRefusedNamingTheLine() throws IOException {
        Sessions.chain(dir, 1);
        Files.writeString(dir.resolve(RecordingChain.LEDGER), "{\"sequence\":2}\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> new RecordingChain(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("line 2").hasMessageContaining("'session' is missing");
    }

    @Test
    void aRecordingFromAnotherDirectoryIsRefused() throws IOException {
        RecordingChain chain = new RecordingChain(dir.resolve("node-a"));
        CompletedRecording elsewhere = Sessions.record(dir.resolve("node-b"), "s-1");

        assertThatThrownBy(() -> chain.append("s-1", elsewhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in the chain's directory");
    }

    @Test
    void aNewChainStartsWithAnEmptyLedger() throws IOException {
        new RecordingChain(dir.resolve("fresh"));

        assertThat(dir.resolve("fresh").resolve(RecordingChain.LEDGER)).isEmptyFile();
    }
}
