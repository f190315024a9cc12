package dev.agentguard.proxy.recording;

import java.nio.file.Path;

/**
 * A recording that is closed for good: its file, the file's SHA-256 (lowercase
 * hex), whether it covers less than the whole session, and its size in bytes.
 */
public record CompletedRecording(Path file, String sha256, boolean incomplete, long bytes) {
}
