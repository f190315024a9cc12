package dev.agentguard.operator.policy;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import dev.agentguard.api.v1alpha1.PolicySpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Owns the bundle ConfigMap. It keeps its own view of every policy of both
 * kinds, and on any change rebuilds the bundle with {@link PolicyBundle#build}
 * and has {@link BundleConfigMap} write it when the ConfigMap holds anything
 * else. The ConfigMap is watched too, so a bundle someone else changed or
 * deleted is put back. A bundle larger than the API server accepts is not
 * written: the last one that fitted stays in force, and the policy controllers
 * report why. It remembers recent bundles so a proxy still on an older bundle
 * that contains a policy's generation counts for that policy.
 */
@ApplicationScoped
public class PolicyBundles {

    private static final Logger LOG = Logger.getLogger(PolicyBundles.class);
    private static final int REMEMBERED = 64;

    private final KubernetesClient client;
    private final PolicyOperatorConfig config;
    private SharedIndexInformer<AgentPolicy> namespaced;
    private SharedIndexInformer<ClusterAgentPolicy> clusterWide;
    private BundleConfigMap configMap;
    /** The bundle the ConfigMap holds as far as this operator knows; null when it knows none. */
    private PolicyBundle.Built inForce;
    private Map<String, String> inForceData;
    /** The version of the too large bundle last logged, so each is logged once and not on every reconcile. */
    private String reportedTooLarge;
    private volatile boolean synced;
    /** Set by every policy event: the bundle built last no longer holds every policy as it is. */
    private volatile boolean stale = true;
    private PolicyBundle.Built built;
    private Map<String, String> builtData;
    private BundleSize builtSize;
    /**
     * Per version of a recent bundle, the generation of each policy in it: all
     * that counting proxies needs. Not the bundles themselves, whose specs can
     * add up to a megabyte each.
     */
    private final Map<String, Map<String, Long>> recent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Long>> eldest) {
            return size() > REMEMBERED;
        }
    };

    public PolicyBundles(KubernetesClient client, PolicyOperatorConfig config) {
        this.client = client;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        configMap = new BundleConfigMap(client, config.namespace(), config.bundleName());
        // Its events publish (and so repair the ConfigMap) once the policy views below are complete.
        configMap.start(this::safePublish);
        adopt(configMap.seen());
        namespaced = client.resources(AgentPolicy.class).inAnyNamespace().runnableInformer(0);
        clusterWide = client.resources(ClusterAgentPolicy.class).runnableInformer(0);
        namespaced.addEventHandler(republish());
        clusterWide.addEventHandler(republish());
        namespaced.run();
        clusterWide.run();
        // Only now do both views hold every policy: an earlier bundle would drop some.
        synced = true;
        publish();
    }

    void stop(@Observes ShutdownEvent event) {
        if (namespaced != null) {
            namespaced.close();
        }
        if (clusterWide != null) {
            clusterWide.close();
        }
        if (configMap != null) {
            configMap.close();
        }
    }

    /**
     * The bundle of every policy known now (built again only after a policy
     * event), and makes the ConfigMap hold it, or, when it is too large, hold
     * the bundle already in force.
     */
    public synchronized Publication publish() {
        if (!synced) {
            throw new IllegalStateException("the policy informers have not synced yet");
        }
        if (stale || built == null) {
            // Cleared first: a policy event during the build marks it stale again.
            stale = false;
            try {
                built = PolicyBundle.build(namespaced.getStore().list(), clusterWide.getStore().list());
                // data() serializes every policy again: once per build is enough.
                builtData = built.data();
                builtSize = BundleSize.of(builtData);
            } catch (RuntimeException e) {
                stale = true;
                throw e;
            }
        }
        // Otherwise nothing changed since: every Lease renewal reconciles every policy, and
        // rebuilding a bundle of N policies for each would cost N² per renewal.
        Map<String, String> data = builtData;
        BundleSize size = builtSize;
        if (size.fits()) {
            reportedTooLarge = null;
            if (configMap.hold(data)) {
                if (inForce == null || !inForce.version().equals(built.version())) {
                    LOG.infof("policy bundle %s published: %d policies, %d left out, %d of %d bytes",
                            built.version(), built.entries().size(), built.rejected().size(), size.bytes(),
                            size.limit());
                }
                inForce(built, data);
            }
        } else {
            reportTooLarge(built, size);
            if (inForce != null) {
                // Still watched: the bundle that stays is repaired like any other.
                configMap.hold(inForceData);
            }
        }
        return new Publication(built, size, inForce);
    }

    /**
     * "on/alive": alive proxies (Lease renewed recently) and, of those, the ones
     * running a bundle that contains this generation of the policy.
     */
    public synchronized String proxies(String key, Long generation, Collection<Lease> leases) {
        Instant aliveSince = Instant.now().minus(config.proxyAliveWithin());
        int alive = 0;
        int on = 0;
        for (Lease lease : leases) {
            if (!lease.getMetadata().getName().startsWith(PolicyBundle.LEASE_PREFIX) || lease.getSpec() == null) {
                continue;
            }
            ZonedDateTime renewed = lease.getSpec().getRenewTime();
            if (renewed == null || renewed.toInstant().isBefore(aliveSince)) {
                continue;
            }
            alive++;
            String version = lease.getMetadata().getAnnotations() == null ? null
                    : lease.getMetadata().getAnnotations().get(PolicyBundle.LEASE_ANNOTATION);
            Map<String, Long> generations = version == null ? null : recent.get(version);
            if (generations != null && Objects.equals(generations.get(key), generation)) {
                on++;
            }
        }
        return on + "/" + alive;
    }

    /** The generation of the policy with this bundle key as the bundle's view has it, or null. */
    public Long knownGeneration(String key) {
        String[] parts = key.split("/", 3);
        io.fabric8.kubernetes.api.model.HasMetadata policy = "AgentPolicy".equals(parts[0])
                ? namespaced.getStore().getByKey(parts[1] + "/" + parts[2])
                : clusterWide.getStore().getByKey(parts[2]);
        return policy == null ? null : policy.getMetadata().getGeneration();
    }

    /** Whether both policy views hold every policy (false until the informers have synced at start). */
    public boolean synced() {
        return synced;
    }

    /**
     * The spec of the policy an ApprovalRequest names ({@code AgentPolicy/ns/name} or
     * {@code ClusterAgentPolicy/name}) as this operator's view has it; null if it is gone, the
     * reference is malformed, or the views have not synced yet.
     */
    public PolicySpec spec(String ref) {
        if (ref == null || !synced) {
            return null;
        }
        String[] parts = ref.split("/");
        if (parts.length == 3 && parts[0].equals("AgentPolicy")) {
            AgentPolicy p = namespaced.getStore().getByKey(parts[1] + "/" + parts[2]);
            return p == null ? null : p.getSpec();
        }
        if (parts.length == 2 && parts[0].equals("ClusterAgentPolicy")) {
            ClusterAgentPolicy p = clusterWide.getStore().getByKey(parts[1]);
            return p == null ? null : p.getSpec();
        }
        return null;
    }

    /**
     * Takes the bundle in place at start as the one in force, if it is one
     * {@link PolicyBundle#build} wrote and the proxies can compile: it is what
     * stays when the policies now make a bundle too large to write.
     */
    private void adopt(Map<String, String> data) {
        if (data == null) {
            return;
        }
        PolicyBundle.Built found;
        try {
            found = PolicyBundle.read(data);
        } catch (RuntimeException e) {
            LOG.warnf("policy bundle in place not taken as in force: %s", e.getMessage());
            return;
        }
        try {
            PolicyBundle.parse(data);
        } catch (RuntimeException e) {
            // Not the compile error: it would quote the bundle's content.
            LOG.warnf("policy bundle %s in place not taken as in force: it does not compile", found.version());
            return;
        }
        inForce(found, data);
    }

    private void inForce(PolicyBundle.Built bundle, Map<String, String> data) {
        inForce = bundle;
        inForceData = data;
        recent.computeIfAbsent(bundle.version(), v -> {
            Map<String, Long> generations = new HashMap<>();
            bundle.entries().forEach(entry -> generations.put(entry.key(), entry.generation()));
            return generations;
        });
    }

    private void reportTooLarge(PolicyBundle.Built built, BundleSize size) {
        if (built.version().equals(reportedTooLarge)) {
            return;
        }
        reportedTooLarge = built.version();
        LOG.errorf("policy bundle %s not published: %d policies make %d bytes, over the ConfigMap limit of %d bytes;"
                + " proxies keep %s until policies are removed or made smaller", built.version(),
                built.entries().size(), size.bytes(), size.limit(),
                inForce == null ? "the bundle they have" : "bundle " + inForce.version());
    }

    private <T> ResourceEventHandler<T> republish() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                stale = true;
                safePublish();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                stale = true;
                safePublish();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                stale = true;
                safePublish();
            }
        };
    }

    private void safePublish() {
        if (!synced) {
            return;
        }
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not publish the policy bundle; retried on the next change or reconcile");
        }
    }
}
