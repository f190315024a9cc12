package dev.agentguard.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout the kubelet leaves in a mounted ConfigMap or Secret, before and after an update. */
class ProjectedFilesTest {

    @Test
    void keysAreStableLinksIntoTheCurrentDataDirectory(@TempDir Path dir) throws Exception {
        ProjectedFiles files = new ProjectedFiles(dir.resolve("proxy-ca"));
        files.write(Map.of("ca.crt", "A", "extra", "x"));
        Path ca = files.path("ca.crt");
        Path first = ca.toRealPath();

        assertThat(Files.readString(ca)).isEqualTo("A");
        assertThat(Files.readSymbolicLink(ca)).isEqualTo(Path.of("..data", "ca.crt"));
        assertThat(first.getParent().getFileName().toString()).startsWith("..");

        files.write(Map.of("ca.crt", "B+A"));

        assertThat(files.path("ca.crt")).isEqualTo(ca);
        assertThat(Files.readString(ca)).isEqualTo("B+A");
        assertThat(ca.toRealPath()).isNotEqualTo(first);
        assertThat(first.getParent()).as("the previous data directory is gone").doesNotExist();
        assertThat(files.path("extra")).as("a key no longer published is gone").doesNotExist();
        try (Stream<Path> entries = Files.list(files.directory())) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .filteredOn(name -> !name.startsWith("..2"))
                    .containsExactlyInAnyOrder("..data", "ca.crt");
        }
    }

    @Test
    void nestedKeysAreReachedThroughTheirTopLevelLink(@TempDir Path dir) throws Exception {
        ProjectedFiles files = new ProjectedFiles(dir);
        files.write(Map.of("certs/tls.crt", "cert"));

        assertThat(Files.readString(files.path("certs/tls.crt"))).isEqualTo("cert");
        assertThat(Files.readSymbolicLink(dir.resolve("certs"))).isEqualTo(Path.of("..data", "certs"));
    }

    @Test
    void keysLeavingTheDirectoryAreRefused(@TempDir Path dir) {
        ProjectedFiles files = new ProjectedFiles(dir);
        assertThatThrownBy(() -> files.write(Map.of("../escape", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> files.path("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> files.path("..data")).isInstanceOf(IllegalArgumentException.class);
    }
}
