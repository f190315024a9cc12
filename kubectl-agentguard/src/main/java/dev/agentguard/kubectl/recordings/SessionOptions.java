package dev.agentguard.kubectl.recordings;

import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.kubectl.ClusterOptions;
import dev.agentguard.kubectl.Failure;
import dev.agentguard.recordings.BearerTokens;
import dev.agentguard.recordings.ProxyLocator;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The session a recordings command is about, and the caller's bearer token for
 * its proxy. {@code -n} names the agent's namespace (AgentSessions themselves
 * live in the system namespace, as in {@code sessions -n}): a session of another
 * namespace's agent is refused, so a typo cannot replay the wrong agent.
 */
final class SessionOptions {

    @Parameters(index = "0", paramLabel = "SESSION", description = "The AgentSession's name (see kubectl agentguard sessions).")
    String session;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "The agent's namespace; the session must be one of its agents'.")
    String agentNamespace;

    /** The caller's token, after checking the session exists and belongs to -n. */
    String tokenFor(KubernetesClient client, ClusterOptions cluster) {
        if (cluster.impersonating()) {
            throw Failure.of("recordings are fetched with your own token from the node proxy; --as cannot apply there");
        }
        // First: a kubeconfig that cannot fetch at all is told so, whatever else it may read.
        String token = BearerTokens.of(client.getConfiguration());
        AgentSession found = new ProxyLocator(client, cluster.systemNamespace()).session(session);
        String namespace = found.getSpec().agent() == null ? null : found.getSpec().agent().namespace();
        if (agentNamespace != null && !agentNamespace.equals(namespace)) {
            throw Failure.of("agentsession " + session + " is a session of an agent in namespace " + namespace
                    + ", not " + agentNamespace);
        }
        return token;
    }
}
