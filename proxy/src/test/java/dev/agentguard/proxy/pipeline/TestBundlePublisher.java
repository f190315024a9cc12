package dev.agentguard.proxy.pipeline;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Stands in for the operator in the proxy's tests, which run no operator: it
 * watches the policy CRDs and writes the bundle ConfigMap with the operator's
 * own {@link PolicyBundle#build} code, so the proxy sees what it would see in
 * a cluster.
 */
final class TestBundlePublisher {

    private static TestBundlePublisher started;

    private final KubernetesClient admin;
    private final SharedIndexInformer<AgentPolicy> namespaced;
    private final SharedIndexInformer<ClusterAgentPolicy> clusterWide;

    private TestBundlePublisher(KubernetesClient admin) {
        this.admin = admin;
        this.namespaced = admin.resources(AgentPolicy.class).inAnyNamespace().runnableInformer(0);
        this.clusterWide = admin.resources(ClusterAgentPolicy.class).runnableInformer(0);
        namespaced.addEventHandler(republish());
        clusterWide.addEventHandler(republish());
    }

    /** One publisher per test JVM, started before the proxy so its first bundle is there at start-up. */
    static synchronized void ensureStarted(KubernetesClient admin) {
        if (started == null) {
            started = new TestBundlePublisher(admin);
            started.namespaced.run();
            started.clusterWide.run();
            started.publish();
        }
    }

    private synchronized void publish() {
        PolicyBundle.Built bundle = PolicyBundle.build(namespaced.getStore().list(), clusterWide.getStore().list());
        admin.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(PolicyBundle.NAME)
                .withNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).endMetadata().withData(bundle.data()).build())
                .forceConflicts().serverSideApply();
    }

    private <T> ResourceEventHandler<T> republish() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                publish();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                publish();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                publish();
            }
        };
    }
}
