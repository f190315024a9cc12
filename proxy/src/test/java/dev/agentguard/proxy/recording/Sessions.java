package dev.agentguard.proxy.recording;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Records short sessions into a directory and chains them, as the proxy would. */
final class Sessions {

    static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    private Sessions() {
    }

    static SessionHeader header(String session) {
        return new SessionHeader(session, 120, 40, START, List.of("sh", "-c", "ls /"), "agents/claude-1",
                "shop/db-0/postgres", "node-a", true);
    }

    static CompletedRecording record(Path dir, String session) throws IOException {
        SessionRecording recording = SessionRecording.create(dir, header(session), Clock.fixed(START, ZoneOffset.UTC));
        recording.output(("output of " + session + "\r\n").getBytes(StandardCharsets.UTF_8));
        return recording.complete("exit 0", false);
    }

    /** Records and chains {@code sessions} sessions s-1, s-2, ... */
    static List<ChainEntry> chain(Path dir, int sessions) throws IOException {
        RecordingChain chain = new RecordingChain(dir);
        List<ChainEntry> entries = new java.util.ArrayList<>();
        for (int i = 1; i <= sessions; i++) {
            String session = "s-" + i;
            entries.add(chain.append(session, record(dir, session)));
        }
        return entries;
    }
}
