package dev.agentguard.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciRuntimeTest {

    @TempDir
    Path dir;

    @Test
    void withoutARuntimeItFailsNamingThePackageInsteadOfInstallingOne() {
        assertThatThrownBy(() -> OciRuntime.find(dir.toString(), dir.resolve("state")))
                .hasMessageContaining("apt-get install runc");
    }

    @Test
    void prefersRuncOverCrun() throws IOException {
        Path crun = executable("crun");
        Path runc = executable("runc");

        assertThat(OciRuntime.find(dir.toString(), dir.resolve("state")).binary()).isEqualTo(runc);
        Files.delete(runc);
        assertThat(OciRuntime.find(dir.toString(), dir.resolve("state")).binary()).isEqualTo(crun);
    }

    private Path executable(String name) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
