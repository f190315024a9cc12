package dev.agentguard.shim.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * The pod's real bound token. The kubelet rotates it by swapping the projected
 * volume's data directory, so every read checks the file's modification time
 * (one stat) and re-reads only when it changed.
 */
public final class TokenFile {

    private final Path path;
    private FileTime readAt;
    private String token;

    public TokenFile(Path path) {
        this.path = path;
    }

    /** The current token, or empty when the pod has none (automountServiceAccountToken: false). */
    public synchronized Optional<String> current() throws IOException {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(path);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!modified.equals(readAt)) {
            token = Files.readString(path, StandardCharsets.US_ASCII).trim();
            readAt = modified;
        }
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    public Path path() {
        return path;
    }
}
