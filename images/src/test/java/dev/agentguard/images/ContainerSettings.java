package dev.agentguard.images;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;

/**
 * What a pod spec's container may set over the image's config, as the kubelet applies it:
 * {@code securityContext.runAsUser/runAsGroup} (the container's, else the pod's) over
 * {@code User}, {@code args} in place of {@code Cmd} (the Entrypoint stays), and
 * {@code capabilities.add} on top of none.
 *
 * @param runAsUser  null: the image's user
 * @param runAsGroup null: the image's group
 * @param args       null: the image's Cmd
 */
record ContainerSettings(Long runAsUser, Long runAsGroup, List<String> args, List<String> addCapabilities) {

    /** The image's own user and command, no capabilities: every agentguard main container. */
    static final ContainerSettings AS_IMAGE = new ContainerSettings(null, null, null, List.of());

    /**
     * What a shipped container spec sets, over its pod's: the container's {@code runAsUser} and
     * {@code runAsGroup}, else the pod's {@code securityContext}'s, as the kubelet resolves them.
     * Refused: a {@code command}, which would replace the Entrypoint, and a container that does not
     * ask for what {@link RuntimeSpec} always gives (a read-only root filesystem, no privilege
     * escalation, all capabilities dropped), as it would not run the way its spec says.
     */
    static ContainerSettings of(PodSpec pod, Container container) {
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            throw new IllegalArgumentException("container " + container.getName()
                    + " replaces the image's entrypoint with " + container.getCommand());
        }
        Optional<SecurityContext> security = Optional.ofNullable(container.getSecurityContext());
        boolean hardened = security.map(SecurityContext::getReadOnlyRootFilesystem).orElse(false)
                && !security.map(SecurityContext::getAllowPrivilegeEscalation).orElse(true)
                && security.map(SecurityContext::getCapabilities).map(Capabilities::getDrop)
                        .orElse(List.of()).contains("ALL");
        if (!hardened) {
            throw new IllegalArgumentException("container " + container.getName() + " does not ask for a read-only "
                    + "root filesystem, no privilege escalation and no capabilities, which the test runs it with: "
                    + container.getSecurityContext());
        }
        Optional<PodSecurityContext> podSecurity = Optional.ofNullable(pod.getSecurityContext());
        List<String> add = security.map(SecurityContext::getCapabilities).map(Capabilities::getAdd).orElse(List.of());
        List<String> args = container.getArgs() == null || container.getArgs().isEmpty() ? null : container.getArgs();
        Long user = security.map(SecurityContext::getRunAsUser)
                .or(() -> podSecurity.map(PodSecurityContext::getRunAsUser)).orElse(null);
        Long group = security.map(SecurityContext::getRunAsGroup)
                .or(() -> podSecurity.map(PodSecurityContext::getRunAsGroup)).orElse(null);
        return new ContainerSettings(user, group, args, add);
    }

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
