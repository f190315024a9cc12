package dev.agentguard.operator.approval;

import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.operator.OperatorConfig;
import dev.agentguard.operator.notification.ApprovalNotifier;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Ends ApprovalRequests in the system namespace: a Pending request becomes Expired once
 * its wait plus a grace period has passed (the proxy has refused it by then); a
 * finished one is deleted once the retention period after its decision has passed.
 * Each reconcile reschedules itself for the next due time, so nothing polls.
 */
// Not generation-aware: decisions change only the status, which does not bump the generation.
// The namespace watched is quarkus.operator-sdk.controllers.approvals.namespaces, which
// application.properties sets to agentguard.operator.system-namespace; the annotation's value is
// only its default, so that the controller never watches every namespace.
@ControllerConfiguration(name = ApprovalRequestReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(namespaces = AgentGuard.DEFAULT_SYSTEM_NAMESPACE))
public class ApprovalRequestReconciler implements Reconciler<ApprovalRequest> {

    static final String NAME = "approvals";
    private static final Logger LOG = Logger.getLogger(ApprovalRequestReconciler.class);

    private final ApprovalsConfig config;
    private final KubernetesClient client;
    /** Who expires requests; the approval webhook lets only this identity set Expired (and records it itself). */
    private final String operator;

    private final ApprovalNotifier notifier;

    ApprovalRequestReconciler(ApprovalsConfig config, OperatorConfig operatorConfig, KubernetesClient client,
            ApprovalNotifier notifier) {
        this.config = config;
        this.client = client;
        this.notifier = notifier;
        this.operator = OperatorConfig.serviceAccountUser(operatorConfig.systemNamespace());
    }

    @Override
    public UpdateControl<ApprovalRequest> reconcile(ApprovalRequest request, Context<ApprovalRequest> context) {
        Instant now = Instant.now();
        if (ApprovalLifecycle.pending(request)) {
            queueNotifications(request);
            Instant due = ApprovalLifecycle.expiresAt(request, config);
            if (now.isBefore(due)) {
                return UpdateControl.<ApprovalRequest>noUpdate().rescheduleAfter(Duration.between(now, due));
            }
            ApprovalRequestStatus old = request.getStatus();
            request.setStatus(new ApprovalRequestStatus(ApprovalPhase.Expired, operator, now.toString(),
                    "No decision within the wait (" + Duration.between(ApprovalLifecycle.created(request), due)
                            .minus(config.grace()).toSeconds() + "s); the proxy refused the request",
                    old == null ? null : old.grantExpiresAt()));
            LOG.infof("approval request %s expired", request.getMetadata().getName());
            return UpdateControl.patchStatus(request).rescheduleAfter(config.retention());
        }
        notifier.finished(request);
        Instant delete = ApprovalLifecycle.deleteAt(request, config);
        if (now.isBefore(delete)) {
            return UpdateControl.<ApprovalRequest>noUpdate().rescheduleAfter(Duration.between(now, delete));
        }
        LOG.infof("deleting approval request %s: finished (%s) longer than %s ago", request.getMetadata().getName(),
                request.getStatus().phase(), config.retention());
        client.resource(request).delete();
        return UpdateControl.noUpdate();
    }

    /**
     * Queues the request's notifications (the first time it is seen Pending). Only queues: the
     * expiry below never waits on a receiver, and a failure here must not stop it either.
     */
    private void queueNotifications(ApprovalRequest request) {
        try {
            notifier.pending(request, ApprovalLifecycle.created(request), ApprovalLifecycle.holdEnds(request, config));
        } catch (RuntimeException e) {
            LOG.warnf(e, "notifications of approval request %s not queued", request.getMetadata().getName());
        }
    }
}
