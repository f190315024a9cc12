package dev.agentguard.testing.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A directory written the way the kubelet writes a Secret or ConfigMap volume:
 * every version of the files goes into a fresh hidden directory, {@code ..data}
 * is swapped to it with one atomic rename, and each {@code key} is a symlink
 * through {@code ..data}. A reader of {@link #path(String)} sees the old set or
 * the new set, never a mix.
 */
public final class ProjectedFiles {

    private static final AtomicLong VERSIONS = new AtomicLong();

    private final Path directory;

    public ProjectedFiles(Path directory) {
        this.directory = directory;
    }

    /** Publishes a complete new set of files. */
    public synchronized void write(Map<String, String> files) {
        try {
            Files.createDirectories(directory);
            Path version = directory.resolve("..version_" + VERSIONS.incrementAndGet());
            Files.createDirectory(version);
            for (var file : files.entrySet()) {
                Files.writeString(version.resolve(file.getKey()), file.getValue());
            }
            Path link = directory.resolve("..data_tmp");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, version.getFileName());
            Path data = directory.resolve("..data");
            Path previous = Files.isSymbolicLink(data) ? directory.resolve(Files.readSymbolicLink(data)) : null;
            Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String key : files.keySet()) {
                Path visible = path(key);
                if (!Files.isSymbolicLink(visible)) {
                    Files.createSymbolicLink(visible, Path.of("..data", key));
                }
            }
            if (previous != null) {
                try (var old = Files.list(previous)) {
                    for (Path file : old.toList()) {
                        Files.delete(file);
                    }
                }
                Files.delete(previous);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory, e);
        }
    }

    /** The stable path of a key, as a container sees it. */
    public Path path(String key) {
        return directory.resolve(key);
    }
}
