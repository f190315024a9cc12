package dev.agentguard.operator.policy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.ApprovalSettings;
import dev.agentguard.api.v1alpha1.PolicySpec;
import dev.agentguard.api.v1alpha1.PolicyStatus;
import dev.agentguard.operator.notification.NotificationsConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Shared by both policy controllers: compile (through the bundle), publish the
 * bundle, and write Ready, observedGeneration and proxies. Every proxy Lease
 * change and every change of the bundle ConfigMap re-reconciles every policy
 * of the kind, so "proxies" follows the proxies catching up and Ready follows
 * the bundle in force.
 */
abstract class PolicyReconciler<P extends CustomResource<?, PolicyStatus>> implements Reconciler<P> {

    /** While the bundle view lags behind the policy just seen, look again this soon. */
    private static final Duration RETRY = Duration.ofMillis(100);

    @Inject
    PolicyBundles bundles;
    @Inject
    PolicyOperatorConfig config;
    @Inject
    NotificationsConfig notifications;
    private final Class<P> kind;
    private volatile InformerEventSource<Lease, P> leases;

    PolicyReconciler(Class<P> kind) {
        this.kind = kind;
    }

    abstract String key(P policy);

    @Override
    public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
        var leaseConfig = InformerEventSourceConfiguration.from(Lease.class, kind)
                .withName("proxy-leases")
                .withNamespaces(Set.of(config.namespace()))
                .withSecondaryToPrimaryMapper(lease -> lease.getMetadata().getName().startsWith(PolicyBundle.LEASE_PREFIX)
                        ? context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet())
                        : Set.of())
                .build();
        leases = new InformerEventSource<>(leaseConfig, context);
        // A new bundle in the ConfigMap changes what is in force for every policy, also for those
        // that had to wait while all of them made a bundle too large (no other event of theirs comes).
        var bundleConfig = InformerEventSourceConfiguration.from(ConfigMap.class, kind)
                .withName("policy-bundle")
                .withNamespaces(Set.of(config.namespace()))
                .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", config.bundleName())))
                .withSecondaryToPrimaryMapper(bundle -> context.getPrimaryCache().list().map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build();
        return List.of(leases, new InformerEventSource<>(bundleConfig, context));
    }

    @Override
    public UpdateControl<P> reconcile(P policy, Context<P> context) {
        long generation = policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
        String key = key(policy);
        Publication publication = bundles.publish();
        String error = publication.built().rejected().get(key);
        Long inForce = publication.generationInForce(key);
        List<Lease> proxyLeases = leases.list(config.namespace(), l -> true).toList();
        PolicyStatus next;
        boolean retry = false;
        Long known = bundles.knownGeneration(key);
        if (error != null && known != null && known == generation) {
            next = PolicyStatuses.next(policy.getStatus(), generation, false, PolicyStatuses.INVALID, error,
                    bundles.proxies(key, -1L, proxyLeases));
        } else if (inForce != null && inForce == generation) {
            String proxies = bundles.proxies(key, generation, proxyLeases);
            next = PolicyStatuses.next(policy.getStatus(), generation, true, PolicyStatuses.APPLIED,
                    "in policy bundle " + publication.inForce().version() + "; enforced by " + proxies + " proxies",
                    proxies);
        } else if (!publication.size().fits() && known != null && known == generation) {
            next = PolicyStatuses.next(policy.getStatus(), generation, false, PolicyStatuses.BUNDLE_TOO_LARGE,
                    PolicyStatuses.tooLarge(publication, inForce), bundles.proxies(key, generation, proxyLeases));
        } else {
            // The bundle's view of this policy is behind the event we got: it catches up in moments.
            retry = true;
            next = PolicyStatuses.next(policy.getStatus(), generation, false, PolicyStatuses.PENDING,
                    "waiting for generation " + generation + " to enter the policy bundle",
                    policy.getStatus() == null ? null : policy.getStatus().getProxies());
        }
        next = PolicyStatuses.withReceivers(next, policy.getStatus(), generation, notifyReceivers(policy),
                notifications.receivers().keySet());
        UpdateControl<P> control;
        if (PolicyStatuses.same(policy.getStatus(), next)) {
            control = UpdateControl.noUpdate();
        } else {
            policy.setStatus(next);
            control = UpdateControl.patchStatus(policy);
        }
        return retry ? control.rescheduleAfter(RETRY) : control;
    }

    private List<String> notifyReceivers(P policy) {
        ApprovalSettings approval = policy.getSpec() instanceof PolicySpec spec ? spec.getApproval() : null;
        return approval == null ? null : approval.notifyReceivers();
    }
}
