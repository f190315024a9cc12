package dev.agentguard.proxy.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
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
 * agent's namespace and the recordings it seals. Sessions are checked after they have all
 * ended, so the newest AgentSessions are the ones that just ended.
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
        checkRecorded(path, List.of(clientBytes), proxy);
    }

    /**
     * The same for sessions that ran at once, one per element of {@code clientBytes}: the
     * newest AgentSessions, as many, must have sent those byte counts, in any order.
     */
    void checkRecorded(String path, List<Long> clientBytes, ProxyProcess proxy) throws Exception {
        expected += clientBytes.size();
        // The AgentSession is written as the session starts and completed after it ends, both
        // asynchronously to what the client sees: wait for these to be there and done.
        List<AgentSession> all = Awaitility.await(path + ": the proxy writes and completes AgentSession " + expected)
                .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(this::sessions, list -> list.size() >= expected && list.stream().noneMatch(
                        s -> s.getStatus() == null || "Running".equals(s.getStatus().phase())));
        if (all.size() != expected) {
            throw new WrongAnswer(path, all.size() + " AgentSessions after " + expected
                    + " sessions: the proxy must write one per session");
        }
        List<AgentSession> newest = all.stream()
                .sorted(Comparator.comparing((AgentSession s) -> Instant.parse(s.getSpec().startedAt())).reversed())
                .limit(clientBytes.size()).toList();
        for (AgentSession session : newest) {
            AgentSessionStatus status = session.getStatus();
            String name = path + " session " + session.getMetadata().getName();
            if (!"Completed".equals(status.phase())) {
                throw new WrongAnswer(name, "ended " + status.phase() + ": " + status.terminationReason());
            }
            if (!Boolean.FALSE.equals(status.incomplete()) || status.digest() == null) {
                throw new WrongAnswer(name, "its recording is marked incomplete or has no digest");
            }
            if (status.bytesOut() == null) {
                throw new WrongAnswer(name, "its status does not say how many bytes the proxy sent");
            }
        }
        List<Long> sent = newest.stream().map(s -> s.getStatus().bytesOut()).sorted().toList();
        if (!sent.equals(clientBytes.stream().sorted().toList())) {
            throw new WrongAnswer(path, "the proxy sent " + sent + " bytes in its newest sessions, the clients received "
                    + clientBytes.stream().sorted().toList());
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
