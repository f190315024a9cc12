package dev.agentguard.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {

    @TempDir
    Path rootfs;

    @Test
    void laterLayersReplaceFilesAndKeepModes() throws IOException {
        LayerUnpacker unpacker = new LayerUnpacker(rootfs);
        unpacker.apply(layer(new Layer().file("opt/java/bin/java", "v1", 0755).file("etc/passwd", "root", 0644)));
        unpacker.apply(layer(new Layer().file("opt/java/bin/java", "v2", 0755)));

        assertThat(rootfs.resolve("opt/java/bin/java")).hasContent("v2");
        assertThat(Files.getPosixFilePermissions(rootfs.resolve("opt/java/bin/java")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(rootfs.resolve("etc/passwd")).hasContent("root");
    }

    @Test
    void aWhiteoutDeletesWhatTheLayersBelowHold() throws IOException {
        LayerUnpacker unpacker = new LayerUnpacker(rootfs);
        unpacker.apply(layer(new Layer().file("app/old.jar", "x", 0644).file("app/lib/a.jar", "a", 0644)
                .file("app/keep.jar", "k", 0644)));
        unpacker.apply(layer(new Layer().file("app/.wh.old.jar", "", 0644).file("app/.wh.lib", "", 0644)));

        assertThat(rootfs.resolve("app/old.jar")).doesNotExist();
        assertThat(rootfs.resolve("app/lib")).doesNotExist();
        assertThat(rootfs.resolve("app/.wh.old.jar")).doesNotExist();
        assertThat(rootfs.resolve("app/keep.jar")).hasContent("k");
    }

    @Test
    void anOpaqueWhiteoutEmptiesTheDirectoryBelowButKeepsItsOwnLayer() throws IOException {
        LayerUnpacker unpacker = new LayerUnpacker(rootfs);
        unpacker.apply(layer(new Layer().file("app/lib/a.jar", "a", 0644).file("app/lib/b.jar", "b", 0644)
                .file("app/run.jar", "r", 0644)));
        // The new file comes before the marker in the archive: it must survive it.
        unpacker.apply(layer(new Layer().file("app/lib/c.jar", "c", 0644).file("app/lib/.wh..wh..opq", "", 0644)));

        try (var children = Files.list(rootfs.resolve("app/lib"))) {
            assertThat(children.map(p -> p.getFileName().toString())).containsExactly("c.jar");
        }
        assertThat(rootfs.resolve("app/run.jar")).hasContent("r");
    }

    @Test
    void symbolicLinksAreKeptAsLinks() throws IOException {
        new LayerUnpacker(rootfs).apply(layer(new Layer().file("lib/x86_64-linux-gnu/libz.so.1.2", "z", 0644)
                .symlink("lib/x86_64-linux-gnu/libz.so.1", "libz.so.1.2")));

        Path link = rootfs.resolve("lib/x86_64-linux-gnu/libz.so.1");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(link).hasContent("z");
    }

    @Test
    void refusesEntriesThatEscapeTheRootFilesystem() {
        assertThatThrownBy(() -> new LayerUnpacker(rootfs).apply(layer(new Layer().file("../escaped", "x", 0644))))
                .hasMessageContaining("outside the root filesystem");
        assertThat(rootfs.resolveSibling("escaped")).doesNotExist();
    }

    private static ByteArrayInputStream layer(Layer layer) throws IOException {
        layer.tar.close();
        return new ByteArrayInputStream(layer.bytes.toByteArray());
    }

    /** A layer tarball written entry by entry, as an image builder would. */
    private static final class Layer {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

        Layer file(String name, String content, int mode) throws IOException {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(data.length);
            entry.setMode(mode);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
            return this;
        }

        Layer symlink(String name, String target) throws IOException {
            TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(target);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            return this;
        }
    }
}
