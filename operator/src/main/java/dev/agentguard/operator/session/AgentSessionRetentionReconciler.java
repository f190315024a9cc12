package dev.agentguard.operator.session;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;

import org.jboss.logging.Logger;

import dev.agentguard.api.v1alpha1.AgentSession;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Keeps AgentSession records bounded: each session is deleted once older than
 * max-age (the reconcile reschedules itself for that moment), and whenever a
 * namespace holds more than max-count sessions the oldest beyond it are deleted.
 * Counting uses the informer cache, so it costs no API calls.
 */
@ControllerConfiguration(name = AgentSessionRetentionReconciler.NAME)
public class AgentSessionRetentionReconciler implements Reconciler<AgentSession> {

    static final String NAME = "session-retention";
    private static final Logger LOG = Logger.getLogger(AgentSessionRetentionReconciler.class);
    private static final Comparator<HasMetadata> NEWEST_FIRST = Comparator
            .comparing((HasMetadata s) -> created(s)).reversed()
            .thenComparing(s -> s.getMetadata().getName());

    private final SessionsConfig config;
    private final KubernetesClient client;

    AgentSessionRetentionReconciler(SessionsConfig config, KubernetesClient client) {
        this.config = config;
        this.client = client;
    }

    @Override
    public UpdateControl<AgentSession> reconcile(AgentSession session, Context<AgentSession> context) {
        String namespace = session.getMetadata().getNamespace();
        List<AgentSession> all = context.getPrimaryCache().list(namespace).toList();
        if (all.size() > config.maxCount()) {
            List<AgentSession> excess = all.stream().sorted(NEWEST_FIRST).skip(config.maxCount()).toList();
            LOG.infof("deleting %d sessions in %s beyond max-count %d", excess.size(), namespace, config.maxCount());
            excess.forEach(this::delete);
            if (excess.stream().anyMatch(s -> s.getMetadata().getUid().equals(session.getMetadata().getUid()))) {
                return UpdateControl.noUpdate();
            }
        }
        Instant due = created(session).plus(config.maxAge());
        Instant now = Instant.now();
        if (now.isBefore(due)) {
            return UpdateControl.<AgentSession>noUpdate().rescheduleAfter(Duration.between(now, due));
        }
        LOG.infof("deleting session %s/%s: older than %s", namespace, session.getMetadata().getName(),
                config.maxAge());
        delete(session);
        return UpdateControl.noUpdate();
    }

    private void delete(AgentSession session) {
        client.resources(AgentSession.class).inNamespace(session.getMetadata().getNamespace())
                .withName(session.getMetadata().getName()).delete();
    }

    static Instant created(HasMetadata resource) {
        String at = resource.getMetadata().getCreationTimestamp();
        try {
            return at == null ? Instant.now() : Instant.parse(at);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }
}
