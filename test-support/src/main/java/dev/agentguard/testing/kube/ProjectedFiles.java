package dev.agentguard.testing.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A directory written the way the kubelet writes a mounted Secret, ConfigMap or projected volume
 * (its {@code AtomicWriter}), so that a test sees what a reader in a pod sees when the object changes.
 *
 * <p>Each {@link #write} puts the complete new set of files into a fresh {@code ..<timestamp>}
 * directory, points {@code ..data} at it by renaming a new symlink over the old one (one atomic step:
 * a reader sees either every old file or every new one, never a mix), links each key as
 * {@code key -> ..data/key}, drops the links of keys that are gone and deletes the previous
 * directory. Paths from {@link #path} are stable across writes; what they resolve to is not.
 */
public final class ProjectedFiles {

    private static final String DATA = "..data";
    private static final String DATA_TMP = "..data_tmp";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("..yyyy_MM_dd_HH_mm_ss.");

    private final Path directory;

    public ProjectedFiles(Path directory) {
        this.directory = directory;
    }

    /** Publishes {@code files} (key to content) as the directory's complete new contents. */
    public synchronized void write(Map<String, String> files) {
        try {
            Files.createDirectories(directory);
            Path previous = Files.isSymbolicLink(directory.resolve(DATA))
                    ? directory.resolve(Files.readSymbolicLink(directory.resolve(DATA))) : null;
            Path next = Files.createTempDirectory(directory,
                    ZonedDateTime.now(ZoneOffset.UTC).format(TIMESTAMP));
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = next.resolve(checkedKey(file.getKey()));
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
            Path dataTmp = directory.resolve(DATA_TMP);
            Files.deleteIfExists(dataTmp);
            Files.createSymbolicLink(dataTmp, next.getFileName());
            Files.move(dataTmp, directory.resolve(DATA), StandardCopyOption.ATOMIC_MOVE);

            Set<String> visible = topLevelNames(files.keySet());
            for (String name : visible) {
                Path link = directory.resolve(name);
                if (!Files.isSymbolicLink(link)) {
                    Files.createSymbolicLink(link, Path.of(DATA, name));
                }
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (!name.startsWith("..") && !visible.contains(name) && Files.isSymbolicLink(entry)) {
                        Files.delete(entry);
                    }
                }
            }
            if (previous != null) {
                deleteRecursively(previous);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory, e);
        }
    }

    /** The stable path of {@code key}, as a container mounting the volume at {@link #directory()} reads it. */
    public Path path(String key) {
        return directory.resolve(checkedKey(key));
    }

    public Path directory() {
        return directory;
    }

    /** Relative, without {@code ..}, not starting with {@code ..} (the kubelet's own names). */
    private static String checkedKey(String key) {
        Path path = Path.of(key);
        if (key.isEmpty() || path.isAbsolute() || key.startsWith("..")
                || Stream.of(key.split("/")).anyMatch(".."::equals)) {
            throw new IllegalArgumentException("not a valid key: " + key);
        }
        return key;
    }

    private static Set<String> topLevelNames(Set<String> keys) {
        Set<String> names = new TreeSet<>();
        keys.forEach(key -> names.add(Path.of(key).getName(0).toString()));
        return names;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
