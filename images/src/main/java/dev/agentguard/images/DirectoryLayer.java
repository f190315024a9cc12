package dev.agentguard.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;

/**
 * One image layer holding the files of host directories, keeping each file's mode
 * (Jib's defaults would drop the execute bit of {@code bin/java}). Everything is owned
 * by root and dated at a fixed instant, so the same input always gives the same digest;
 * the app user can read it and, the root filesystem being read-only, write nothing.
 */
final class DirectoryLayer {

    /** Jib's own default: the epoch plus one second (some tools treat the epoch itself as "unset"). */
    private static final Instant MODIFIED = Instant.ofEpochSecond(1);

    private final FileEntriesLayer.Builder layer;

    DirectoryLayer(String name) {
        this.layer = FileEntriesLayer.builder().setName(name);
    }

    /** Adds {@code source} and everything under it at {@code target}; symbolic links become copies. */
    DirectoryLayer add(Path source, String target) {
        AbsoluteUnixPath root = AbsoluteUnixPath.get(target);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.sorted().toList()) {
                String relative = source.relativize(file).toString();
                AbsoluteUnixPath into = relative.isEmpty() ? root : root.resolve(relative);
                layer.addEntry(file, into, FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(file)),
                        MODIFIED, "0:0");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        return this;
    }

    /** An empty directory owned by {@code ownership} (uid:gid), e.g. /tmp for the app user. */
    DirectoryLayer directory(Path emptySource, String target, String ownership) {
        layer.addEntry(emptySource, AbsoluteUnixPath.get(target), FilePermissions.fromOctalString("755"), MODIFIED,
                ownership);
        return this;
    }

    /** Adds each of {@code sources} (files or directories) under {@code target} by its own name. */
    DirectoryLayer addEach(List<Path> sources, String target) {
        for (Path source : sources) {
            add(source, target + "/" + source.getFileName());
        }
        return this;
    }

    FileEntriesLayer build() {
        return layer.build();
    }
}
