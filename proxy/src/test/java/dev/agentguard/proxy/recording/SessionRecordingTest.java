package dev.agentguard.proxy.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class SessionRecordingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Sessions.START);

    @Test
    void headerAndEventsAreAsciicastV2() throws IOException {
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-abc"), clock);
        clock.advance(Duration.ofMillis(500));
        recording.output(bytes("$ "));
        clock.advance(Duration.ofNanos(1_234_567_891));
        recording.input(bytes("ls\r"));
        clock.advance(Duration.ofSeconds(2));
        recording.resize(100, 30);
        clock.advance(Duration.ofSeconds(1));
        recording.marker("approved by alice");
        clock.advance(Duration.ofSeconds(1));
        recording.complete("exit 0", false);

        List<JsonNode> lines = lines(dir.resolve("s-abc.cast"));
        JsonNode header = lines.get(0);
        assertThat(header.isObject()).isTrue();
        assertThat(header.get("version").asInt()).isEqualTo(2);
        assertThat(header.get("width").asInt()).isEqualTo(120);
        assertThat(header.get("height").asInt()).isEqualTo(40);
        assertThat(header.get("timestamp").isIntegralNumber()).isTrue();
        assertThat(header.get("timestamp").asLong()).isEqualTo(Sessions.START.getEpochSecond());
        assertThat(header.get("command").asText()).isEqualTo("sh -c ls /");
        assertThat(header.get("title").asText()).isEqualTo("agents/claude-1 -> shop/db-0/postgres");
        JsonNode agentguard = header.get("agentguard");
        assertThat(agentguard.get("session").asText()).isEqualTo("s-abc");
        assertThat(agentguard.get("agent").asText()).isEqualTo("agents/claude-1");
        assertThat(agentguard.get("target").asText()).isEqualTo("shop/db-0/postgres");
        assertThat(agentguard.get("node").asText()).isEqualTo("node-a");
        assertThat(agentguard.get("tty").asBoolean()).isTrue();
        assertThat(JSON.convertValue(agentguard.get("command"), List.class)).containsExactly("sh", "-c", "ls /");

        List<JsonNode> events = lines.subList(1, lines.size());
        double previous = -1;
        for (JsonNode event : events) {
            assertThat(event.isArray()).isTrue();
            assertThat(event.size()).isEqualTo(3);
            assertThat(event.get(0).isNumber()).isTrue();
            assertThat(event.get(0).asDouble()).isGreaterThan(previous);
            previous = event.get(0).asDouble();
        }
        assertThat(events).extracting(event -> event.get(1).asText()).containsExactly("o", "i", "r", "m", "m");
        assertThat(events).extracting(event -> event.get(2).asText())
                .containsExactly("$ ", "ls\r", "100x30", "approved by alice", "agentguard: complete: exit 0");
        // Seconds with microseconds, cut (not rounded) below that.
        assertThat(events.get(0).get(0).decimalValue()).isEqualByComparingTo("0.5");
        assertThat(events.get(1).get(0).decimalValue()).isEqualByComparingTo("1.734567");
    }

    @Test
    void aTerminalSizeOfZeroMeans80By24() throws IOException {
        SessionHeader header = new SessionHeader("s-notty", 0, -1, Sessions.START, List.of("env"), "a/p",
                "b/q/c", "node-a", false);
        SessionRecording.create(dir, header, clock).complete("exit 0", false);

        JsonNode first = lines(dir.resolve("s-notty.cast")).get(0);
        assertThat(first.get("width").asInt()).isEqualTo(80);
        assertThat(first.get("height").asInt()).isEqualTo(24);
        assertThat(first.get("agentguard").get("tty").asBoolean()).isFalse();
    }

    @Test
    void aCharacterSplitAcrossFramesComesOutWholeAndEachDirectionDecodesOnItsOwn() throws IOException {
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-utf8"), clock);
        byte[] text = bytes("hé€😀");
        // h C3 | A9 E2 82 | AC F0 9F 98 | 80: every multi-byte character is cut.
        recording.output(slice(text, 0, 2));
        recording.output(slice(text, 2, 5));
        recording.output(slice(text, 5, 9));
        // Input between the halves of the emoji must not disturb the output's pending bytes.
        recording.input(bytes("q"));
        recording.output(slice(text, 9, 10));
        recording.output(new byte[] {'a', (byte) 0xFF, 'b'});
        recording.complete("exit 0", false);

        List<JsonNode> events = events(dir.resolve("s-utf8.cast"));
        String output = events.stream().filter(event -> event.get(1).asText().equals("o"))
                .map(event -> event.get(2).asText()).reduce("", String::concat);
        assertThat(output).isEqualTo("hé€😀a\uFFFDb");
        assertThat(events).filteredOn(event -> event.get(1).asText().equals("i"))
                .extracting(event -> event.get(2).asText()).containsExactly("q");
    }

    @Test
    void asciiOutputIsRecordedAsJacksonWouldEscapeItEvenAfterACutCharacter() throws IOException {
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-ascii"), clock);
        byte[] everyAscii = new byte[128];
        for (int i = 0; i < everyAscii.length; i++) {
            everyAscii[i] = (byte) i;
        }
        recording.output(everyAscii);
        // The first byte of é, then ASCII: the pending byte is not ASCII text and comes out as U+FFFD.
        recording.output(new byte[] {(byte) 0xC3});
        recording.output(bytes("x\n"));
        recording.complete("exit 0", false);

        List<String> lines = Files.readAllLines(dir.resolve("s-ascii.cast"), StandardCharsets.UTF_8);
        String all = new String(everyAscii, StandardCharsets.US_ASCII);
        assertThat(lines.get(1)).endsWith(",\"o\",\""
                + new String(JsonStringEncoder.getInstance().quoteAsUTF8(all), StandardCharsets.UTF_8) + "\"]");
        List<JsonNode> events = events(dir.resolve("s-ascii.cast"));
        assertThat(events).extracting(event -> event.get(2).asText())
                .containsExactly(all, "\uFFFDx\n", "agentguard: complete: exit 0");
    }

    @Test
    void aCharacterCutOffByTheEndOfTheSessionIsShownAsReplacement() throws IOException {
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-cut"), clock);
        recording.output(new byte[] {'x', (byte) 0xE2, (byte) 0x82});
        recording.complete("exit 0", false);

        List<JsonNode> events = events(dir.resolve("s-cut.cast"));
        assertThat(events).extracting(event -> event.get(2).asText())
                .containsExactly("x", "\uFFFD", "agentguard: complete: exit 0");
    }

    @Test
    void eventsReachTheFileAsTheyAreWrittenBeforeTheSessionEnds() throws IOException {
        HeldWrites writes = new HeldWrites();
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-live"), clock, writes);
        Path file = recording.file();
        assertThat(file).isEqualTo(dir.resolve("s-live.cast"));
        assertThat(Files.readAllLines(file)).as("the header, written at once").hasSize(1);

        recording.output(bytes("first\n"));
        assertThat(Files.readAllLines(file)).as("not on the caller's thread").hasSize(1);
        writes.runAll();
        assertThat(events(file)).extracting(event -> event.get(2).asText()).containsExactly("first\n");

        recording.output(bytes("second\n"));
        writes.runAll();
        assertThat(events(file)).extracting(event -> event.get(2).asText()).containsExactly("first\n", "second\n");
    }

    @Test
    void aWriterThatFallsBehindHoldsTheSessionBackWithinItsBound() throws IOException {
        HeldWrites writes = new HeldWrites();
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-slow-disk"), clock, writes);
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'z');
        long given = 0;
        while (!recording.writeQueueFull()) {
            recording.output(chunk);
            given += chunk.length;
        }
        assertThat(given).as("held back at the bound, not before and not long after")
                .isBetween(SessionRecording.MAX_PENDING_BYTES, SessionRecording.MAX_PENDING_BYTES + chunk.length);
        java.util.concurrent.atomic.AtomicInteger resumed = new java.util.concurrent.atomic.AtomicInteger();
        recording.drainHandler(resumed::incrementAndGet);
        assertThat(resumed).as("not while the writer is behind").hasValue(0);

        writes.catchUp();
        assertThat(resumed).as("once, when it has caught up").hasValue(1);
        assertThat(recording.writeQueueFull()).isFalse();
        CompletedRecording completed = recording.complete("exit 0", false);
        long written = events(completed.file()).stream().filter(event -> event.get(1).asText().equals("o"))
                .mapToLong(event -> event.get(2).asText().length()).sum();
        assertThat(written).as("every byte given, in the file").isEqualTo(given);
    }

    @Test
    void aDrainHandlerSetAfterTheWriterCaughtUpRunsAtOnce() throws IOException {
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-quick-disk"), clock);
        recording.output(bytes("done\n"));
        java.util.concurrent.atomic.AtomicInteger resumed = new java.util.concurrent.atomic.AtomicInteger();
        recording.drainHandler(resumed::incrementAndGet);
        assertThat(resumed).hasValue(1);
    }

    @Test
    void eventsAreWrittenInTheOrderTakenWhateverThreadWrites() throws Exception {
        java.util.concurrent.ExecutorService pool = RecordingWrites.pool();
        try {
            SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-ordered"), clock, pool);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                expected.add("line " + i + "\n");
                recording.output(bytes("line " + i + "\n"));
            }
            CompletedRecording completed = recording.complete("exit 0", false);
            List<JsonNode> events = events(completed.file());
            assertThat(events.subList(0, events.size() - 1)).extracting(event -> event.get(2).asText())
                    .containsExactlyElementsOf(expected);
            assertThat(completed.sha256()).isEqualTo(sha256(Files.readAllBytes(completed.file())));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs the recording's writes only when the test says so: a disk that is slower than the session. */
    private static final class HeldWrites implements java.util.concurrent.Executor {
        private final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
        private boolean caughtUp;

        @Override
        public void execute(Runnable task) {
            if (caughtUp) {
                task.run();
            } else {
                tasks.add(task);
            }
        }

        /** Runs what is held, and from now on every write at once. */
        void catchUp() {
            caughtUp = true;
            runAll();
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    @Test
    void completeMarksAnIncompleteRecordingAndSealsIt() throws IOException {
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-cut-short"), clock);
        recording.output(bytes("partial"));
        CompletedRecording completed = recording.complete("proxy shutting down", true);

        Path file = dir.resolve("s-cut-short.cast");
        assertThat(completed.file()).isEqualTo(file);
        assertThat(completed.incomplete()).isTrue();
        assertThat(completed.bytes()).isEqualTo(Files.size(file));
        assertThat(completed.sha256()).isEqualTo(sha256(Files.readAllBytes(file)));
        List<JsonNode> events = events(file);
        assertThat(events.get(events.size() - 1).get(1).asText()).isEqualTo("m");
        assertThat(events.get(events.size() - 1).get(2).asText())
                .isEqualTo("agentguard: incomplete: proxy shutting down");

        // Idempotent, and nothing more is written once sealed.
        recording.output(bytes("late frame"));
        recording.flush();
        assertThat(recording.complete("again", false)).isEqualTo(completed);
        assertThat(sha256(Files.readAllBytes(file))).isEqualTo(completed.sha256());
    }

    @Test
    void aCompleteRecordingSaysComplete() throws IOException {
        CompletedRecording completed = SessionRecording.create(dir, Sessions.header("s-ok"), clock)
                .complete("exit 0", false);

        assertThat(completed.incomplete()).isFalse();
        List<JsonNode> events = events(completed.file());
        assertThat(events.get(events.size() - 1).get(2).asText()).isEqualTo("agentguard: complete: exit 0");
    }

    @Test
    void timesNeverGoBackwardsWhenTheClockDoes() throws IOException {
        SessionRecording recording = SessionRecording.create(dir, Sessions.header("s-ntp"), clock);
        clock.advance(Duration.ofSeconds(5));
        recording.output(bytes("a"));
        clock.advance(Duration.ofSeconds(-3));
        recording.output(bytes("b"));
        recording.complete("exit 0", false);

        List<JsonNode> events = events(dir.resolve("s-ntp.cast"));
        assertThat(events.get(1).get(0).decimalValue()).isEqualByComparingTo("5");
    }

    @Test
    void anExistingRecordingIsNeverOverwritten() throws IOException {
        Files.writeString(dir.resolve("s-dup.cast"), "earlier");

        assertThatThrownBy(() -> SessionRecording.create(dir, Sessions.header("s-dup"), clock))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(dir.resolve("s-dup.cast"))).isEqualTo("earlier");
    }

    @Test
    void theDirectoryIsCreatedIfMissing() throws IOException {
        Path nested = dir.resolve("node-a/recordings");
        SessionRecording.create(nested, Sessions.header("s-new"), clock).complete("exit 0", false);

        assertThat(nested.resolve("s-new.cast")).isRegularFile();
    }

    @Test
    void aSessionIdThatWouldLeaveTheDirectoryIsRefused() {
        assertThatThrownBy(() -> SessionRecording.create(dir, Sessions.header("../escape"), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../escape");
        assertThat(dir.getParent().resolve("escape.cast")).doesNotExist();
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static List<JsonNode> events(Path file) throws IOException {
        List<JsonNode> lines = lines(file);
        return lines.subList(1, lines.size());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
