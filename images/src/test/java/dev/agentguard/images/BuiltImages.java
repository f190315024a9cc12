package dev.agentguard.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The images this build wrote (the images module's {@code package}), for the tests that
 * run them: found by name or by the reference a pod spec names, and started under the OCI
 * runtime with their volumes prepared as the kubelet prepares them.
 */
final class BuiltImages {

    static final Path OUTPUT = Path.of(System.getProperty("images.output", "target/images"));
    /** The user every agentguard image runs as (its config's User). */
    static final long APP_UID = 65532;

    private BuiltImages() {
    }

    /** The tarball of the image named after its module, e.g. operator. */
    static Path tarball(String name) {
        Path tarball = OUTPUT.resolve(name + ".tar");
        assertThat(tarball).as("built by the images module at package").exists();
        return tarball;
    }

    /**
     * The tarball of the built image a pod spec names ({@code registry/repository:tag}), from
     * the build's {@code images.txt}; fails if this build produced no image of that reference.
     */
    static Path tarballOf(String reference) {
        Path listing = OUTPUT.resolve("images.txt");
        assertThat(listing).as("written by the images module at package").exists();
        try {
            List<String[]> built = Files.readAllLines(listing).stream().filter(line -> !line.isBlank())
                    .map(line -> line.split(" ", 2)).toList();
            return built.stream().filter(entry -> entry[0].equals(reference)).map(entry -> Path.of(entry[1]))
                    .findFirst().orElseThrow(() -> new AssertionError(reference + " is not an image this build "
                            + "produced: " + built.stream().map(entry -> entry[0]).toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the image in {@code work}. Mounted Secrets (and projected tokens) are readable by the
     * pod's user, while the test's temp files are root's, so the read-only mounts are handed to the
     * app user; what a container writes to (emptyDir, hostPath), the test prepares as the kubelet or
     * the pod spec does.
     */
    static RunningContainer start(Path tarball, Path work, ContainerSettings settings, Map<String, String> env,
            List<BindMount> mounts) {
        mounts.stream().filter(BindMount::readOnly).forEach(mount -> ownedByAppUser(mount.source()));
        return RunningContainer.start(tarball, TestFiles.directory(work), settings, env, mounts);
    }

    private static void ownedByAppUser(Path path) {
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.toList()) {
                Files.setAttribute(p, "unix:uid", (int) APP_UID);
                Files.setAttribute(p, "unix:gid", (int) APP_UID);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
