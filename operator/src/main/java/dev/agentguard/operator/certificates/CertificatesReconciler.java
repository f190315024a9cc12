package dev.agentguard.operator.certificates;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Namespaces are the primary resource: an opted-in namespace gets the agentguard-proxy-ca
 * ConfigMap, an opted-out one loses it; the system namespace's reconcile owns the CA, the leaf
 * Secrets and the webhook caBundles, and is rescheduled for the next renewal or rotation phase
 * (no polling loop). Changes to the certificate Secrets (deleted, annotated
 * {@code agentguard.dev/rotate=now}) trigger it through a Secret informer on the system namespace,
 * and so do changes to the webhook configurations: {@code helm upgrade} or {@code kubectl apply}
 * of the shipped manifests resets their caBundle to empty, and admission fails closed until it is
 * set again.
 */
// Labels do not bump a generation: every Namespace change must reach the reconciler.
@ControllerConfiguration(name = "certificates", generationAwareEventProcessing = false)
public class CertificatesReconciler implements Reconciler<Namespace> {

    private final CertificateManager manager;
    private final CertificatesConfig config;

    public CertificatesReconciler(CertificateManager manager, CertificatesConfig config) {
        this.manager = manager;
        this.config = config;
    }

    @Override
    public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> context) {
        var secrets = InformerEventSourceConfiguration.from(Secret.class, Namespace.class)
                .withName("certificate-secrets")
                .withNamespaces(Set.of(config.namespace()))
                .withLabelSelector(CertificateManager.MANAGED_BY + "=" + CertificateManager.OPERATOR)
                .withSecondaryToPrimaryMapper(s -> Set.of(new ResourceID(config.namespace())))
                .build();
        List<EventSource<?, Namespace>> sources = new ArrayList<>();
        sources.add(new InformerEventSource<>(secrets, context));
        for (String name : config.webhookConfigurations()) {
            sources.add(webhookConfiguration(MutatingWebhookConfiguration.class, "mutating-", name, context));
            sources.add(webhookConfiguration(ValidatingWebhookConfiguration.class, "validating-", name, context));
        }
        return sources;
    }

    /** One informer per configuration, by name: the operator's RBAC allows list/watch of these names only. */
    private <R extends HasMetadata> EventSource<R, Namespace> webhookConfiguration(Class<R> kind, String prefix,
            String name, EventSourceContext<Namespace> context) {
        var configuration = InformerEventSourceConfiguration.from(kind, Namespace.class)
                .withName(prefix + name)
                .withFieldSelector(new FieldSelector(new FieldSelector.Field("metadata.name", name)))
                .withSecondaryToPrimaryMapper(c -> Set.of(new ResourceID(config.namespace())))
                .build();
        return new InformerEventSource<>(configuration, context);
    }

    @Override
    public UpdateControl<Namespace> reconcile(Namespace ns, Context<Namespace> context) {
        if (!config.namespace().equals(ns.getMetadata().getName())) {
            manager.reconcileNamespace(ns);
            return UpdateControl.noUpdate();
        }
        Instant now = Instant.now();
        Instant next = manager.reconcile(now);
        Duration wait = Duration.between(Instant.now(), next);
        return UpdateControl.<Namespace>noUpdate().rescheduleAfter(wait.isNegative() || wait.isZero()
                ? Duration.ofSeconds(1) : wait.plusMillis(50));
    }
}
