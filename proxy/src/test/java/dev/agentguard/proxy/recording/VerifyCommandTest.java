package dev.agentguard.proxy.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void anIntactChainExitsZero() throws IOException {
        Sessions.chain(dir, 3);

        assertThat(run(dir.toString())).isEqualTo(0);
        assertThat(text(out)).isEqualTo("verified 3 sessions: chain intact\n");
        assertThat(text(err)).isEmpty();
    }

    @Test
    void problemsExitOneEachOnItsOwnLine() throws IOException {
        Sessions.chain(dir, 3);
        Files.delete(dir.resolve("s-1.cast"));
        Files.writeString(dir.resolve("s-3.cast"), "edited");

        assertThat(run(dir.toString())).isEqualTo(1);
        assertThat(text(out)).isEmpty();
        assertThat(text(err).lines())
                .anySatisfy(line -> assertThat(line).startsWith("entry 1 (session s-1, s-1.cast): missing"))
                .anySatisfy(line -> assertThat(line).startsWith("entry 3 (session s-3, s-3.cast): edited"));
    }

    @Test
    void anUnknownOptionExitsTwo() {
        assertThat(run("--repair", dir.toString())).isEqualTo(2);
        assertThat(text(err)).contains("unknown option --repair").contains("usage: verify");
    }

    @Test
    void aMissingDirectoryExitsTwo() {
        Path missing = dir.resolve("nope");

        assertThat(run(missing.toString())).isEqualTo(2);
        assertThat(text(err)).contains(missing + " is not a directory (it does not exist)");
    }

    @Test
    void twoDirectoriesExitTwo() {
        assertThat(run(dir.toString(), dir.toString())).isEqualTo(2);
        assertThat(text(err)).contains("one directory only");
    }

    @Test
    void helpExitsZero() {
        assertThat(run("--help")).isEqualTo(0);
        assertThat(text(out)).contains("usage: verify [DIR]").contains(VerifyCommand.DEFAULT_DIR.toString());
    }

    private int run(String... args) {
        return VerifyCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
