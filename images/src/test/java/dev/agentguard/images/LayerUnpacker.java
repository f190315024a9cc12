package dev.agentguard.images;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies image layers to a root filesystem in order, as the OCI image spec's
 * "applying changesets" says: a {@code .wh.<name>} entry deletes {@code <name>} from
 * the layers below, {@code .wh..wh..opq} empties its directory of what the layers below
 * put there, and everything else is created or replaced with its mode and owner.
 */
final class LayerUnpacker {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final Path rootfs;

    LayerUnpacker(Path rootfs) {
        this.rootfs = rootfs;
    }

    void apply(OciImageLayout.Layer layer) {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(layer.blob()));
                InputStream data = layer.gzip() ? new GZIPInputStream(file) : file) {
            apply(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot apply layer " + layer.blob(), e);
        }
    }

    void apply(InputStream layerTar) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(layerTar);
        // Whiteouts hide what the layers below hold, never what this layer itself adds.
        Set<Path> fromThisLayer = new HashSet<>();
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            Path target = inside(entry.getName());
            String name = target.getFileName() == null ? "" : target.getFileName().toString();
            if (name.equals(OPAQUE)) {
                deleteChildren(target.getParent(), fromThisLayer);
            } else if (name.startsWith(WHITEOUT)) {
                deleteRecursively(target.resolveSibling(name.substring(WHITEOUT.length())));
            } else {
                create(entry, tar, target);
                fromThisLayer.add(target);
            }
        }
    }

    private void create(TarArchiveEntry entry, InputStream content, Path target) throws IOException {
        if (target.equals(rootfs)) {
            return;
        }
        Files.createDirectories(target.getParent());
        // A directory over a directory merges; anything else replaces what the layers below had.
        if (!(entry.isDirectory() && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))) {
            deleteRecursively(target);
        }
        if (entry.isDirectory()) {
            Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            return; // a link's own mode and owner mean nothing to the runtime
        } else if (entry.isLink()) {
            Files.createLink(target, inside(entry.getLinkName()));
            return;
        } else if (entry.isFile()) {
            Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
            throw new IllegalStateException("unsupported layer entry type for " + entry.getName());
        }
        Files.setPosixFilePermissions(target, permissions(entry.getMode()));
        Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
    }

    /** The path an entry names, refusing any that would land outside the root filesystem. */
    private Path inside(String entryName) {
        Path target = rootfs.resolve(entryName.replaceFirst("^(\\./|/)+", "")).normalize();
        if (!target.startsWith(rootfs)) {
            throw new IllegalStateException("layer entry outside the root filesystem: " + entryName);
        }
        return target;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    private static void deleteChildren(Path directory, Set<Path> keep) throws IOException {
        if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(directory)) {
                for (Path child : children.filter(child -> !keep.contains(child)).toList()) {
                    deleteRecursively(child);
                }
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> tree = Files.walk(path)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        } else {
            Files.delete(path);
        }
    }
}
