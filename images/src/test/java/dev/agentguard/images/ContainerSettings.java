package dev.agentguard.images;

import java.util.ArrayList;
import java.util.List;

/**
 * What a pod spec's container may set over the image's config, as the kubelet applies it:
 * {@code securityContext.runAsUser/runAsGroup} over {@code User}, {@code args} in place of
 * {@code Cmd} (the Entrypoint stays), and {@code capabilities.add} on top of none.
 *
 * @param runAsUser  null: the image's user
 * @param runAsGroup null: the image's group
 * @param args       null: the image's Cmd
 */
record ContainerSettings(Long runAsUser, Long runAsGroup, List<String> args, List<String> addCapabilities) {

    /** The image's own user and command, no capabilities: every agentguard main container. */
    static final ContainerSettings AS_IMAGE = new ContainerSettings(null, null, null, List.of());

    long uid(ImageConfig image) {
        return runAsUser != null ? runAsUser : image.uid();
    }

    long gid(ImageConfig image) {
        return runAsGroup != null ? runAsGroup : image.gid();
    }

    List<String> processArgs(ImageConfig image) {
        if (args == null) {
            return image.args();
        }
        List<String> all = new ArrayList<>(image.entrypoint());
        all.addAll(args);
        return all;
    }

    /** OCI names: CAP_CHOWN for the pod spec's CHOWN. */
    List<String> capabilities() {
        return addCapabilities.stream().map(name -> "CAP_" + name).toList();
    }
}
