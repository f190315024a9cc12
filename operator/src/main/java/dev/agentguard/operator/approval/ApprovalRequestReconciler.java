package dev.agentguard.operator.approval;

import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Ends ApprovalRequests in agentguard-system: a Pending request becomes Expired once
 * its wait plus a grace period has passed (the proxy has refused it by then); a
 * finished one is deleted once the retention period after its decision has passed.
 * Each reconcile reschedules itself for the next due time, so nothing polls.
 */
// Not generation-aware: decisions change only the status, which does not bump the generation.
@ControllerConfiguration(name = ApprovalRequestReconciler.NAME, generationAwareEventProcessing = false,
        informer = @Informer(namespaces = AgentGuard.SYSTEM_NAMESPACE))
public class ApprovalRequestReconciler implements Reconciler<ApprovalRequest> {

    static final String NAME = "approvals";
    /** Who expires requests; the approval webhook lets only this identity set Expired. */
    static final String OPERATOR = "system:serviceaccount:agentguard-system:agentguard-operator";
    private static final Logger LOG = Logger.getLogger(ApprovalRequestReconciler.class);

    private final ApprovalsConfig config;
    private final KubernetesClient client;

    ApprovalRequestReconciler(ApprovalsConfig config, KubernetesClient client) {
        this.config = config;
        this.client = client;
    }

    @Override
    public UpdateControl<ApprovalRequest> reconcile(ApprovalRequest request, Context<ApprovalRequest> context) {
        Instant now = Instant.now();
        if (ApprovalLifecycle.pending(request)) {
            Instant due = ApprovalLifecycle.expiresAt(request, config);
            if (now.isBefore(due)) {
                return UpdateControl.<ApprovalRequest>noUpdate().rescheduleAfter(Duration.between(now, due));
            }
            ApprovalRequestStatus old = request.getStatus();
            request.setStatus(new ApprovalRequestStatus(ApprovalPhase.Expired, OPERATOR, now.toString(),
                    "No decision within the wait (" + Duration.between(ApprovalLifecycle.created(request), due)
                            .minus(config.grace()).toSeconds() + "s); the proxy refused the request",
                    old == null ? null : old.grantExpiresAt()));
            LOG.infof("approval request %s expired", request.getMetadata().getName());
            return UpdateControl.patchStatus(request).rescheduleAfter(config.retention());
        }
        Instant delete = ApprovalLifecycle.deleteAt(request, config);
        if (now.isBefore(delete)) {
            return UpdateControl.<ApprovalRequest>noUpdate().rescheduleAfter(Duration.between(now, delete));
        }
        LOG.infof("deleting approval request %s: finished (%s) longer than %s ago", request.getMetadata().getName(),
                request.getStatus().phase(), config.retention());
        client.resource(request).delete();
        return UpdateControl.noUpdate();
    }
}
