package dev.agentguard.webhook.bypass;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Pod-level settings that reach past the pod's own sandbox: the shim's process
 * and files, the node's network (where NetworkPolicy does not apply) or every
 * other process on the node.
 */
public final class HostAccessRule implements BypassRule {

    @Override
    public List<String> violations(Pod pod, String namespace) {
        PodSpec spec = pod.getSpec();
        List<String> found = new ArrayList<>();
        if (Boolean.TRUE.equals(spec.getShareProcessNamespace())) {
            found.add("spec.shareProcessNamespace: true would let the agent read the shim's token through /proc;"
                    + " remove it");
        }
        if (Boolean.TRUE.equals(spec.getHostNetwork())) {
            found.add("spec.hostNetwork: true puts the pod on the node's network, out of reach of the"
                    + " agentguard network policy; remove it");
        }
        if (Boolean.TRUE.equals(spec.getHostPID())) {
            found.add("spec.hostPID: true lets the pod read other processes' credentials; remove it");
        }
        Stream.concat(nullToEmpty(spec.getInitContainers()).stream(), nullToEmpty(spec.getContainers()).stream())
                .filter(c -> c.getSecurityContext() != null
                        && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged()))
                .map(Container::getName)
                .forEach(name -> found.add("container " + name + " is privileged and could read every pod's token"
                        + " on the node; drop securityContext.privileged"));
        return found;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
