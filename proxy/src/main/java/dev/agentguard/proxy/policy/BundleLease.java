package dev.agentguard.proxy.policy;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.agentguard.api.policy.PolicyBundle;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * This proxy's Lease {@code agentguard-proxy-<node>}: renewed periodically and
 * at once when a new bundle is in force, it tells the operator the proxy is
 * alive and which bundle version it enforces.
 */
public final class BundleLease implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BundleLease.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String node;
    private final Duration renewInterval;
    private final Supplier<String> version;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "agentguard-bundle-lease");
        thread.setDaemon(true);
        return thread;
    });

    public BundleLease(KubernetesClient client, String namespace, String node, Duration renewInterval,
            Supplier<String> version) {
        this.client = client;
        this.namespace = namespace;
        this.node = node;
        this.renewInterval = renewInterval;
        this.version = version;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::renew, 0, renewInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Renews now (e.g. a new bundle is in force), off the caller's thread. */
    public void renewSoon() {
        timer.execute(this::renew);
    }

    private void renew() {
        String running = version.get();
        if (running == null) {
            return; // Not serving yet: not counted as a proxy.
        }
        String name = PolicyBundle.LEASE_PREFIX + node;
        ZonedDateTime now = ZonedDateTime.now(java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        try {
            var leases = client.resources(Lease.class).inNamespace(namespace);
            Lease existing = leases.withName(name).get();
            if (existing == null) {
                leases.resource(new LeaseBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                        .addToAnnotations(PolicyBundle.LEASE_ANNOTATION, running).endMetadata()
                        .withNewSpec().withHolderIdentity(node)
                        .withLeaseDurationSeconds((int) Math.max(1, renewInterval.toSeconds() * 3))
                        .withAcquireTime(now).withRenewTime(now).endSpec().build()).create();
            } else {
                if (existing.getMetadata().getAnnotations() == null) {
                    existing.getMetadata().setAnnotations(new java.util.HashMap<>());
                }
                existing.getMetadata().getAnnotations().put(PolicyBundle.LEASE_ANNOTATION, running);
                existing.getSpec().setHolderIdentity(node);
                existing.getSpec().setRenewTime(now);
                leases.resource(existing).update();
            }
        } catch (KubernetesClientException e) {
            // A conflict or a blip: the next renewal (or the next bundle) tries again.
            LOG.warnf("could not renew lease %s/%s: %s", namespace, name, e.getMessage());
            if (e.getCode() == 409) {
                renewSoon();
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
