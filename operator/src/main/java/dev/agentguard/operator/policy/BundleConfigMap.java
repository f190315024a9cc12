package dev.agentguard.operator.policy;

import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import dev.agentguard.api.policy.PolicyBundle;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The bundle ConfigMap as the cluster has it. An informer restricted to its
 * namespace and name sees every change to it, whoever makes it, and
 * {@link #hold} makes it hold exactly the data the operator wants.
 * <p>
 * {@link #hold} writes only when what the informer last saw differs, so the
 * event of its own write, which carries that same data, causes no second write.
 * Every write carries the resourceVersion it was based on: when the informer's
 * view is behind, the API server answers 409 instead of the operator
 * overwriting a change it has not seen, and the event still on its way brings
 * the next attempt. A ConfigMap someone made immutable cannot be updated and
 * is replaced instead.
 */
final class BundleConfigMap implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BundleConfigMap.class);
    private static final Map<String, String> LABELS = Map.of("app.kubernetes.io/managed-by", "agentguard-operator",
            "app.kubernetes.io/part-of", "agentguard");

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final SharedIndexInformer<ConfigMap> informer;
    /** The data this operator last made the ConfigMap hold; null before the first time. */
    private Map<String, String> held;

    BundleConfigMap(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
    }

    /** Starts watching and waits for the first list; {@code onChange} runs on every add, update and delete. */
    void start(Runnable onChange) {
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
                onChange.run();
            }

            @Override
            public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                onChange.run();
            }

            @Override
            public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                onChange.run();
            }
        });
        informer.run();
    }

    /** The data in place as last seen, or null when there is no ConfigMap. */
    Map<String, String> seen() {
        ConfigMap live = live();
        return live == null ? null : live.getData();
    }

    /**
     * Makes the ConfigMap hold exactly this data: these keys, no others, no
     * binaryData, not immutable. Returns true once it does, false when the API
     * server answered that the informer's view is behind (the next event
     * retries). Other failures are thrown.
     */
    synchronized boolean hold(Map<String, String> data) {
        ConfigMap live = live();
        if (live != null && holds(live, data)) {
            held = data;
            return true;
        }
        // Not a new bundle but the one already published, or one posing under its version: someone else's change.
        boolean restoring = data.equals(held) || (live != null && live.getData() != null
                && data.get(PolicyBundle.VERSION_KEY).equals(live.getData().get(PolicyBundle.VERSION_KEY)));
        boolean immutable = live != null && Boolean.TRUE.equals(live.getImmutable());
        try {
            if (live == null) {
                create(data);
            } else if (immutable) {
                // Its data can no longer be updated: replace it, if it is still the one seen.
                client.configMaps().inNamespace(namespace).withName(name)
                        .lockResourceVersion(live.getMetadata().getResourceVersion()).delete();
                create(data);
            } else {
                // A full update, not an apply: an apply cannot remove keys another field manager added.
                // No managedFields: the server keeps its own record of them.
                client.configMaps().resource(new ConfigMapBuilder(live).editMetadata()
                        .withManagedFields((List<ManagedFieldsEntry>) null).addToLabels(LABELS).endMetadata()
                        .withData(data).withBinaryData(null).build()).update();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                LOG.debugf("policy bundle %s/%s changed since last seen; written again on its event", namespace,
                        name);
                return false;
            }
            throw e;
        }
        if (immutable) {
            LOG.warnf("policy bundle %s/%s was made immutable outside the operator (resourceVersion %s); replaced it"
                    + " with version %s", namespace, name, live.getMetadata().getResourceVersion(),
                    data.get(PolicyBundle.VERSION_KEY));
        } else if (restoring && live == null) {
            LOG.warnf("policy bundle %s/%s was deleted; recreated it with version %s", namespace, name,
                    data.get(PolicyBundle.VERSION_KEY));
        } else if (restoring) {
            LOG.warnf("policy bundle %s/%s was changed outside the operator (resourceVersion %s); restored version %s",
                    namespace, name, live.getMetadata().getResourceVersion(), data.get(PolicyBundle.VERSION_KEY));
        }
        held = data;
        return true;
    }

    @Override
    public void close() {
        informer.close();
    }

    private void create(Map<String, String> data) {
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(LABELS).endMetadata().withData(data).build()).create();
    }

    private ConfigMap live() {
        return informer.getStore().getByKey(namespace + "/" + name);
    }

    private static boolean holds(ConfigMap live, Map<String, String> data) {
        return data.equals(live.getData()) && (live.getBinaryData() == null || live.getBinaryData().isEmpty())
                && !Boolean.TRUE.equals(live.getImmutable());
    }
}
