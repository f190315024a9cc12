package dev.agentguard.proxy.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnRecordingsCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void handsTheDirectoryToTheOwnerReadableByNobodyElse() throws IOException {
        Path recordings = Files.createDirectory(dir.resolve("recordings"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        // As root (CI, the init container) hand it to the proxy's user; otherwise to oneself, which is always allowed.
        int self = (int) Files.getAttribute(dir, "unix:uid");
        int owner = self == 0 ? OwnRecordingsCommand.DEFAULT_ID : self;
        int group = self == 0 ? OwnRecordingsCommand.DEFAULT_ID : (int) Files.getAttribute(dir, "unix:gid");

        assertThat(run("--owner", owner + ":" + group, recordings.toString())).as(text(err)).isZero();
        assertThat(Files.getAttribute(recordings, "unix:uid")).isEqualTo(owner);
        assertThat(Files.getAttribute(recordings, "unix:gid")).isEqualTo(group);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(recordings))).isEqualTo("rwx------");
    }

    @Test
    void aSymlinkIsNotFollowed() throws IOException {
        Path target = Files.createDirectory(dir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(dir.resolve("recordings"), target);
        String before = PosixFilePermissions.toString(Files.getPosixFilePermissions(target));

        assertThat(run(link.toString())).isEqualTo(2);
        assertThat(text(err)).contains(link + " is not a directory");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo(before);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void aMissingDirectoryIsRefused() {
        Path missing = dir.resolve("nope");

        assertThat(run(missing.toString())).isEqualTo(2);
        assertThat(text(err)).contains(missing + " is not a directory (it does not exist)");
    }

    @Test
    void aBadOwnerIsRefusedWithUsage() {
        assertThat(run("--owner", "proxy", dir.toString())).isEqualTo(2);
        assertThat(text(err)).contains("--owner takes numeric UID:GID, got proxy").contains("usage: own-recordings");
        assertThat(run("--owner")).isEqualTo(2);
    }

    private int run(String... args) {
        return OwnRecordingsCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
