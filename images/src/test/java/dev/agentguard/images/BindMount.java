package dev.agentguard.images;

import java.nio.file.Path;

/** A host path mounted into the container, as a pod's Secret or emptyDir volume would be. */
record BindMount(Path source, String destination, boolean readOnly) {

    static BindMount readOnly(Path source, String destination) {
        return new BindMount(source, destination, true);
    }

    static BindMount writable(Path source, String destination) {
        return new BindMount(source, destination, false);
    }
}
