package dev.agentguard.operator.egress;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.EgressRule;
import dev.agentguard.api.v1alpha1.Mode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * Writes the agentguard-egress NetworkPolicy into every namespace labelled
 * agentguard.dev/inject=enabled, so agent pods cannot reach the API server
 * directly, only through the shim and the node proxy; removes it when the label
 * goes. Watches the kubernetes Service's EndpointSlices to follow API server moves, and
 * AgentPolicies for the namespace's egress allow-list.
 * Namespaces are never changed (no finalizer): the label's removal is an update event.
 */
@ControllerConfiguration(name = EgressLockReconciler.NAME, generationAwareEventProcessing = false)
public class EgressLockReconciler implements Reconciler<Namespace> {

    static final String NAME = "egress-lock";
    static final String SLICES = "apiserver-endpointslices";
    static final String AGENT_POLICIES = "egress-agentpolicies";
    private static final Logger LOG = Logger.getLogger(EgressLockReconciler.class);

    private final EgressConfig config;
    private final KubernetesClient client;

    EgressLockReconciler(EgressConfig config, KubernetesClient client) {
        this.config = config;
        this.client = client;
    }

    @Override
    public List<EventSource<?, Namespace>> prepareEventSources(EventSourceContext<Namespace> context) {
        InformerEventSource<NetworkPolicy, Namespace> policies = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(NetworkPolicy.class, Namespace.class)
                        .withWatchAllNamespaces()
                        .withLabelSelector(EgressPolicies.MANAGED_BY + "=" + EgressPolicies.OPERATOR)
                        .withSecondaryToPrimaryMapper(np -> Set.of(new ResourceID(np.getMetadata().getNamespace())))
                        .build(), context);
        // Any change to the API server's endpoints re-renders every opted-in namespace's policy.
        InformerEventSource<EndpointSlice, Namespace> slices = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(EndpointSlice.class, Namespace.class)
                        .withName(SLICES)
                        .withNamespaces("default")
                        .withLabelSelector("kubernetes.io/service-name=kubernetes")
                        .withSecondaryToPrimaryMapper(slice -> context.getPrimaryCache()
                                .list(EgressLockReconciler::optedIn)
                                .map(ResourceID::fromResource).collect(Collectors.toSet()))
                        .build(), context);
        // An allow-list added, changed or removed in any AgentPolicy re-renders its namespace.
        InformerEventSource<AgentPolicy, Namespace> agentPolicies = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(AgentPolicy.class, Namespace.class)
                        .withName(AGENT_POLICIES)
                        .withWatchAllNamespaces()
                        .withSecondaryToPrimaryMapper(p -> Set.of(new ResourceID(p.getMetadata().getNamespace())))
                        .build(), context);
        return List.of(policies, slices, agentPolicies);
    }

    /** The union of the allow-lists of the namespace's Enforce AgentPolicies, in a stable order. */
    static List<EgressRule> allowList(Stream<AgentPolicy> policies) {
        return policies
                .filter(p -> p.getSpec() != null && p.getSpec().getEgress() != null
                        && p.getSpec().getMode() == Mode.Enforce)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .flatMap(p -> p.getSpec().getEgress().allow().stream())
                .distinct()
                .toList();
    }

    static boolean optedIn(Namespace namespace) {
        var labels = namespace.getMetadata().getLabels();
        return labels != null && AgentGuard.INJECT_ENABLED.equals(labels.get(AgentGuard.INJECT_LABEL));
    }

    @Override
    @SuppressWarnings("unchecked")
    public UpdateControl<Namespace> reconcile(Namespace namespace, Context<Namespace> context) {
        String name = namespace.getMetadata().getName();
        var existing = context.getSecondaryResource(NetworkPolicy.class);
        if (!config.enabled() || !optedIn(namespace) || namespace.getMetadata().getDeletionTimestamp() != null) {
            if (existing.isPresent()) {
                LOG.infof("removing %s from namespace %s: not opted in", EgressPolicies.NAME, name);
                client.network().v1().networkPolicies().inNamespace(name).withName(EgressPolicies.NAME).delete();
            }
            return UpdateControl.noUpdate();
        }
        var sliceSource = (InformerEventSource<EndpointSlice, Namespace>) context.eventSourceRetriever()
                .getEventSourceFor(EndpointSlice.class, SLICES);
        var ips = EgressPolicies.apiServerIps(sliceSource.list());
        if (ips.isEmpty()) {
            LOG.warnf("no API server endpoints found; %s in %s excepts nothing until they appear",
                    EgressPolicies.NAME, name);
        }
        var policySource = (InformerEventSource<AgentPolicy, Namespace>) context.eventSourceRetriever()
                .getEventSourceFor(AgentPolicy.class, AGENT_POLICIES);
        List<EgressRule> allowList = allowList(policySource.list(name, p -> true));
        NetworkPolicy desired = EgressPolicies.desired(namespace, ips, config.proxyPort(), allowList);
        if (existing.isEmpty() || !Objects.equals(existing.get().getSpec(), desired.getSpec())) {
            LOG.infof("writing %s in namespace %s, excepting API server %s, %s", EgressPolicies.NAME, name, ips,
                    allowList.isEmpty() ? "open otherwise" : allowList.size() + " allow-list entries");
            client.network().v1().networkPolicies().inNamespace(name).resource(desired)
                    .fieldManager(OPERATOR_FIELD_MANAGER).forceConflicts().serverSideApply();
        }
        return UpdateControl.noUpdate();
    }

    private static final String OPERATOR_FIELD_MANAGER = "agentguard-operator-egress";
}
