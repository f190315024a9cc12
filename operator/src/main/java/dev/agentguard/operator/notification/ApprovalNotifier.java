package dev.agentguard.operator.notification;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalSettings;
import dev.agentguard.api.v1alpha1.PolicySpec;
import dev.agentguard.operator.policy.PolicyBundles;
import io.vertx.core.Vertx;

/**
 * Tells the receivers of a request's policy (and the default ones) that it is waiting. Called by
 * the approvals reconciler for every Pending request it sees; it only queues, and remembers which
 * requests it queued (by UID) so each is sent once per operator run. After a restart, requests
 * still held by the proxy are sent again: delivery is at least once.
 */
@Singleton
public class ApprovalNotifier {

    private static final Logger LOG = Logger.getLogger(ApprovalNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Receivers receivers;
    private final String consoleUrl;
    private final Dispatcher dispatcher;
    private final PolicyBundles policies;
    private final NotificationMetrics metrics;
    /** While the policy views sync at start, a request's policy cannot be read yet: look again this soon. */
    private static final long UNSYNCED_RETRY_MS = 200;

    private final Vertx vertx;
    /**
     * UIDs of the requests queued, with the end of their hold. Past it a request is never sent,
     * so its entry can go too: this keeps the map to the requests being held, even those deleted
     * while Pending (whose end this reconciler never sees).
     */
    private final Map<String, Instant> queued = new ConcurrentHashMap<>();

    ApprovalNotifier(NotificationsConfig config, Dispatcher dispatcher, PolicyBundles policies,
            NotificationMetrics metrics, Vertx vertx) {
        this.vertx = vertx;
        // Built here, when the reconciler is: a bad receiver stops the operator at start, not at the first request.
        this.receivers = Receivers.of(config);
        this.consoleUrl = config.consoleUrl().filter(s -> !s.isBlank()).orElse(null);
        this.dispatcher = dispatcher;
        this.policies = policies;
        this.metrics = metrics;
        receivers.all().forEach(metrics::receiver);
        LOG.infof("notification receivers: %s", receivers.all());
    }

    /**
     * A Pending request the proxy still holds (until {@code holdEnds}).
     *
     * @param created when it was created
     */
    public void pending(ApprovalRequest request, Instant created, Instant holdEnds) {
        String uid = request.getMetadata().getUid();
        Instant now = Instant.now();
        if (receivers.none() || uid == null || !now.isBefore(holdEnds) || queued.containsKey(uid)) {
            return;
        }
        if (!policies.synced()) {
            // Only at start: sending now would miss the receivers the policy names.
            vertx.setTimer(UNSYNCED_RETRY_MS, t -> pending(request, created, holdEnds));
            return;
        }
        if (queued.putIfAbsent(uid, holdEnds) != null) {
            return;
        }
        queued.values().removeIf(end -> end.isBefore(now));
        String policy = request.getSpec() == null ? null : request.getSpec().policy();
        Receivers.Selection selection = receivers.select(named(policy));
        if (!selection.unknown().isEmpty()) {
            metrics.unknownReceivers(selection.unknown().size());
            LOG.warnf("policy %s names notification receivers that are not configured: %s; request %s is sent to"
                    + " the others", policy, selection.unknown(), request.getMetadata().getName());
        }
        NotificationPayload payload = NotificationPayload.of(request, created, holdEnds, consoleUrl);
        String json;
        String slack;
        try {
            json = JSON.writeValueAsString(payload);
            slack = JSON.writeValueAsString(SlackMessage.of(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the notification of " + request.getMetadata().getName(), e);
        }
        long queuedAt = System.nanoTime();
        for (Receiver receiver : selection.receivers()) {
            dispatcher.submit(new Delivery(receiver, request.getMetadata().getName(),
                    receiver.type() == Receiver.Type.slack ? slack : json, queuedAt));
        }
    }

    /** A request no longer Pending: forgotten at once, its hold being over. */
    public void finished(ApprovalRequest request) {
        String uid = request.getMetadata().getUid();
        if (uid != null) {
            queued.remove(uid);
        }
    }

    private List<String> named(String policyRef) {
        PolicySpec spec = policies.spec(policyRef);
        ApprovalSettings approval = spec == null ? null : spec.getApproval();
        return approval == null || approval.notifyReceivers() == null ? List.of() : approval.notifyReceivers();
    }
}
