package dev.agentguard.operator.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.testing.bench.WrongAnswer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Watches which generation of one AgentPolicy a proxy enforces: the operator's bundle
 * ConfigMap says which bundle version holds which generation, the proxy's Lease which
 * version it runs. Both informers notify the waiter on every event, so the end of an edit is
 * taken when the second of the two arrives, without polling.
 */
final class EnforcementWatch implements AutoCloseable {

    private final String namespace;
    private final String policy;
    private final Map<String, Long> generationByVersion = new ConcurrentHashMap<>();
    private final SharedIndexInformer<ConfigMap> bundles;
    private final SharedIndexInformer<Lease> leases;
    /** The highest generation the proxy was seen to enforce, and when ({@link System#nanoTime()}). */
    private long enforced = -1;
    private long enforcedAt;

    EnforcementWatch(KubernetesClient admin, String namespace, String policy, String node) {
        this.namespace = namespace;
        this.policy = policy;
        this.bundles = admin.configMaps().inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withName(PolicyBundle.NAME).inform(onEvent(this::record));
        // A Lease is read from the informer's store when checking; nothing to remember of it.
        this.leases = admin.resources(Lease.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withName(PolicyBundle.LEASE_PREFIX + node).inform(onEvent(lease -> { }));
    }

    /**
     * Waits until the proxy enforces {@code generation} or a newer one and returns when that
     * was seen. Not seeing it within {@code limit} is a broken path (an edit lost on its way),
     * not a slow one: the limit is far above any figure the benchmark reports.
     */
    synchronized long awaitEnforced(long generation, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (enforced < generation) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new WrongAnswer("policy " + namespace + "/" + policy, "generation " + generation
                        + " not enforced by the proxy within " + limit + " (it enforces " + enforced + ")");
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return enforcedAt;
    }

    /** A handler that remembers what it must of an object, then checks what the proxy enforces now. */
    private <T> ResourceEventHandler<T> onEvent(Consumer<T> remember) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                remember.accept(obj);
                check();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                remember.accept(newObj);
                check();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            }
        };
    }

    /** Remembers which generation of the policy a bundle version holds. */
    @SuppressWarnings("unchecked")
    private void record(ConfigMap bundle) {
        Map<String, String> data = bundle.getData();
        if (data == null || data.get(PolicyBundle.VERSION_KEY) == null) {
            return;
        }
        for (Object entry : Serialization.unmarshal(data.get(PolicyBundle.POLICIES_KEY), List.class)) {
            Map<String, Object> e = (Map<String, Object>) entry;
            if (policy.equals(e.get("name")) && namespace.equals(e.get("namespace"))) {
                generationByVersion.put(data.get(PolicyBundle.VERSION_KEY), ((Number) e.get("generation")).longValue());
            }
        }
    }

    /** {@code leases} is null while the constructor starts the bundle informer, whose events come first. */
    private synchronized void check() {
        long now = System.nanoTime();
        for (Lease lease : leases == null ? List.<Lease>of() : leases.getStore().list()) {
            Map<String, String> annotations = lease.getMetadata().getAnnotations();
            String version = annotations == null ? null : annotations.get(PolicyBundle.LEASE_ANNOTATION);
            Long running = version == null ? null : generationByVersion.get(version);
            if (running != null && running > enforced) {
                enforced = running;
                enforcedAt = now;
                notifyAll();
            }
        }
    }

    @Override
    public void close() {
        bundles.close();
        leases.close();
    }
}
