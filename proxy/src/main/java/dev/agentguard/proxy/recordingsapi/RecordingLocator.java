package dev.agentguard.proxy.recordingsapi;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.agentguard.api.v1alpha1.AgentSession;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Finds a session's recording on this node: the AgentSession must exist in the
 * namespace asked for (the proxies record them in the system namespace only) and
 * name this node, and its file is {@code <dir>/<session>.cast}, as
 * {@link dev.agentguard.proxy.recording.SessionRecording} wrote it. Checking the
 * object, not only the file, means a grant for one namespace's session never
 * reads a file recorded for another. Blocking.
 */
final class RecordingLocator {

    private final KubernetesClient client;
    private final String systemNamespace;
    private final String nodeName;
    private final Path dir;

    RecordingLocator(KubernetesClient client, String systemNamespace, String nodeName, Path dir) {
        this.client = client;
        this.systemNamespace = systemNamespace;
        this.nodeName = nodeName;
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path locate(String namespace, String session) {
        if (!systemNamespace.equals(namespace)) {
            throw notFound("AgentSessions are recorded in namespace " + systemNamespace + ", not " + namespace);
        }
        AgentSession object = client.resources(AgentSession.class).inNamespace(namespace).withName(session).get();
        if (object == null) {
            throw notFound("agentsession " + namespace + "/" + session + " not found");
        }
        String node = object.getSpec() == null ? null : object.getSpec().node();
        if (!nodeName.equals(node)) {
            throw notFound("agentsession " + namespace + "/" + session + " was recorded on node " + node
                    + "; this agentguard proxy serves node " + nodeName);
        }
        Path file = dir.resolve(session + ".cast");
        if (!Files.isRegularFile(file)) {
            throw notFound("the recording of agentsession " + namespace + "/" + session
                    + " is not on node " + nodeName);
        }
        return file;
    }

    private static EndpointException notFound(String message) {
        return new EndpointException(404, "NotFound", "not-found", message);
    }
}
