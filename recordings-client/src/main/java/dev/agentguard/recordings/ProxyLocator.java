package dev.agentguard.recordings;

import java.util.List;

import dev.agentguard.api.v1alpha1.AgentSession;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Finds the proxy that recorded a session: the AgentSession names its node,
 * and the running {@code agentguard-proxy} pod on that node (system namespace,
 * label {@code app.kubernetes.io/name=agentguard-proxy}) gives the node's IP and
 * the container's hostPort. Uses the caller's client, so it needs {@code get}
 * on agentsessions and {@code list} on pods in the system namespace.
 */
public final class ProxyLocator {

    public static final String PROXY_LABEL = "app.kubernetes.io/name";
    public static final String PROXY_NAME = "agentguard-proxy";
    private static final String PORT_NAME = "shims";

    private final KubernetesClient client;
    private final String systemNamespace;

    public ProxyLocator(KubernetesClient client, String systemNamespace) {
        this.client = client;
        this.systemNamespace = systemNamespace;
    }

    /** The session as the API server has it; a clear error when it does not exist or names no node. */
    public AgentSession session(String session) {
        AgentSession object = client.resources(AgentSession.class).inNamespace(systemNamespace).withName(session).get();
        if (object == null) {
            throw new RecordingException(404, "agentsession " + session + " not found in " + systemNamespace);
        }
        if (object.getSpec() == null || object.getSpec().node() == null || object.getSpec().node().isBlank()) {
            throw new RecordingException(404, "agentsession " + session + " names no node, so no proxy holds its recording");
        }
        return object;
    }

    /** The proxy serving the session's node. */
    public ProxyEndpoint locate(String session) {
        return forNode(session(session).getSpec().node());
    }

    /** The proxy serving a node. */
    public ProxyEndpoint forNode(String node) {
        List<Pod> pods = client.pods().inNamespace(systemNamespace).withLabel(PROXY_LABEL, PROXY_NAME)
                .withField("spec.nodeName", node).list().getItems();
        Pod running = pods.stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .findFirst().orElseThrow(() -> new RecordingException(0, "no running " + PROXY_NAME + " pod on node "
                        + node + " in " + systemNamespace + " (the recording stays on that node's disk until one runs)"));
        String host = running.getStatus().getHostIP() != null ? running.getStatus().getHostIP()
                : running.getStatus().getPodIP();
        if (host == null) {
            throw new RecordingException(0, "pod " + running.getMetadata().getName() + " on node " + node
                    + " has no IP yet");
        }
        return new ProxyEndpoint(node, host, hostPort(running), serverName(systemNamespace));
    }

    /** The DNS name the operator issues the proxies' certificate for. */
    public static String serverName(String systemNamespace) {
        return PROXY_NAME + "." + systemNamespace + ".svc";
    }

    private static int hostPort(Pod pod) {
        List<ContainerPort> ports = pod.getSpec().getContainers().stream()
                .filter(c -> PROXY_NAME.equals(c.getName()) || "proxy".equals(c.getName()))
                .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream())
                .filter(p -> p.getHostPort() != null && p.getHostPort() > 0)
                .toList();
        return ports.stream().filter(p -> PORT_NAME.equals(p.getName())).findFirst()
                .or(() -> ports.stream().findFirst())
                .map(ContainerPort::getHostPort)
                .orElseThrow(() -> new RecordingException(0, "pod " + pod.getMetadata().getName()
                        + " declares no hostPort: it is not an agentguard proxy as the chart runs it"));
    }
}
