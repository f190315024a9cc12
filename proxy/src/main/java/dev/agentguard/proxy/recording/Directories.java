package dev.agentguard.proxy.recording;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Makes a new file's name in its directory survive a crash, not only its contents. */
final class Directories {

    private Directories() {
    }

    /**
     * Fsyncs the directory. Best effort: Linux allows it, some platforms refuse
     * to open a directory, and there the file's own fsync is all we can do.
     */
    static void sync(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here; the data itself was already forced.
        }
    }
}
