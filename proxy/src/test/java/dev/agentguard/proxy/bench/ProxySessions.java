package dev.agentguard.proxy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.AgentSessionStatus;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.bench.WrongAnswer;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The proxy's record of the benchmark's exec sessions: the AgentSessions it writes for the
 * agent's namespace and the recordings it seals. One session runs at a time, so the newest
 * AgentSession is the one that just ended.
 */
final class ProxySessions {

    private final KubernetesClient admin;
    private final String agentNamespace;
    /** AgentSessions there must be: one more for each session through the proxy. */
    private int expected;

    ProxySessions(KubernetesClient admin, String agentNamespace) {
        this.admin = admin;
        this.agentNamespace = agentNamespace;
        this.expected = sessions().size();
    }

    /**
     * After a session through the proxy: waits until the proxy has completed it (recording
     * sealed and chained, AgentSession completed), checks that the proxy recorded what the
     * client got, then deletes the recordings: 256 MiB of NULs is 1.5 GiB of asciicast.
     */
    void checkRecorded(String path, long clientBytes, ProxyProcess proxy) throws Exception {
        expected++;
        // The AgentSession is written as the session starts and completed after it ends, both
        // asynchronously to what the client sees: wait for this one to be there and done.
        List<AgentSession> all = Awaitility.await(path + ": the proxy writes and completes AgentSession " + expected)
                .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(this::sessions, list -> list.size() >= expected && list.stream().noneMatch(
                        s -> s.getStatus() == null || "Running".equals(s.getStatus().phase())));
        if (all.size() != expected) {
            throw new WrongAnswer(path, all.size() + " AgentSessions after " + expected
                    + " sessions: the proxy must write one per session");
        }
        AgentSession session = all.stream().max(Comparator.comparing(s -> Instant.parse(s.getSpec().startedAt())))
                .orElseThrow();
        AgentSessionStatus status = session.getStatus();
        String name = path + " session " + session.getMetadata().getName();
        if (!"Completed".equals(status.phase())) {
            throw new WrongAnswer(name, "ended " + status.phase() + ": " + status.terminationReason());
        }
        if (!Boolean.FALSE.equals(status.incomplete()) || status.digest() == null) {
            throw new WrongAnswer(name, "its recording is marked incomplete or has no digest");
        }
        if (!Objects.equals(status.bytesOut(), clientBytes)) {
            throw new WrongAnswer(name, "the proxy sent " + status.bytesOut() + " bytes, the client received "
                    + clientBytes);
        }
        try (Stream<Path> files = Files.list(proxy.recordings())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".cast")).toList()) {
                Files.delete(file);
            }
        }
    }

    private List<AgentSession> sessions() {
        return admin.resources(AgentSession.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withLabel(AgentGuard.GROUP + "/agent-namespace", agentNamespace).list().getItems();
    }
}
