package dev.agentguard.testing.kube;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the agentguard checkout (manifests, examples), found from any module's working directory. */
public final class RepoFiles {

    private RepoFiles() {
    }

    public static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
