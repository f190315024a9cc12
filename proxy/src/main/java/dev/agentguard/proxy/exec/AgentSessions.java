package dev.agentguard.proxy.exec;

import java.time.Duration;
import java.time.Instant;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.AgentSessionSpec;
import dev.agentguard.api.v1alpha1.AgentSessionStatus;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.proxy.recording.ChainEntry;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The {@code AgentSession} resources of this node's sessions, in the system namespace:
 * created when a session starts, completed when it ends. Calls block (API
 * requests); the relay runs them on worker threads.
 */
public final class AgentSessions implements SessionRegistry {

    static final String NODE_LABEL = AgentGuard.GROUP + "/node";
    static final String AGENT_NAMESPACE_LABEL = AgentGuard.GROUP + "/agent-namespace";

    private final KubernetesClient client;
    private final String namespace;
    private final String nodeName;

    /** @param namespace the system namespace, where the AgentSessions are created */
    public AgentSessions(KubernetesClient client, String namespace, String nodeName) {
        this.client = client;
        this.namespace = namespace;
        this.nodeName = nodeName;
    }

    @Override
    public void started(SessionPlan plan, Instant startedAt, String recording) {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder()
                .withName(plan.session())
                .withNamespace(namespace)
                .addToLabels(NODE_LABEL, nodeName)
                .addToLabels(AGENT_NAMESPACE_LABEL, plan.agent().namespace())
                .build());
        var target = plan.target();
        session.setSpec(new AgentSessionSpec(
                new AgentRef(plan.agent().namespace(), plan.agent().serviceAccount(), plan.agent().podName(),
                        plan.podUid(), nodeName),
                new RequestRef(target.verb(), target.apiGroup(), target.resource(), target.subresource(),
                        target.namespace(), target.name(), target.path(), plan.command()),
                plan.container(), plan.tty(), nodeName, startedAt.toString()));
        session.setStatus(new AgentSessionStatus("Running", null, null, null, null, null, null, null, recording,
                null, null));
        AgentSession created = client.resources(AgentSession.class).inNamespace(namespace)
                .resource(session).create();
        // Status is a subresource: what create was given is dropped.
        created.setStatus(session.getStatus());
        client.resources(AgentSession.class).inNamespace(namespace).resource(created)
                .updateStatus();
    }

    @Override
    public void completed(SessionPlan plan, SessionOutcome outcome, String recording, ChainEntry chained) {
        AgentSessionStatus status = new AgentSessionStatus(
                outcome.terminated() ? "Terminated" : "Completed",
                outcome.endedAt().toString(),
                Duration.between(outcome.startedAt(), outcome.endedAt()).toSeconds(),
                outcome.exitCode().isPresent() ? outcome.exitCode().getAsInt() : null,
                outcome.bytesIn(), outcome.bytesOut(), outcome.blockedCommands(),
                outcome.terminated() ? outcome.reason() : null,
                recording,
                chained == null ? null : chained.digest(),
                chained == null || chained.incomplete());
        client.resources(AgentSession.class).inNamespace(namespace).withName(plan.session())
                .editStatus(session -> {
                    session.setStatus(status);
                    return session;
                });
    }
}
