package dev.agentguard.proxy.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.PolicyBundle;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Policies from the operator's compiled bundle, the one ConfigMap
 * {@code agentguard-policies} in the system namespace. Each new bundle is compiled
 * whole and swapped in atomically; if any of it fails to compile, the previous
 * bundle stays in force and the failure is logged. Until the first bundle has
 * arrived there is no policy set at all ({@link #version()} is null) and the
 * proxy does not serve.
 */
public final class BundlePolicySource implements PolicySource, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BundlePolicySource.class);

    /** A bundle in force: its version and its compiled policies, swapped together. */
    private record InForce(String version, List<CompiledPolicy> policies) {
    }

    private final AtomicReference<InForce> current = new AtomicReference<>();
    private final SharedIndexInformer<ConfigMap> informer;
    private volatile Consumer<String> onNewVersion = v -> {
    };

    public BundlePolicySource(KubernetesClient client, String namespace, String name) {
        this.informer = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap obj) {
                apply(obj);
            }

            @Override
            public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                apply(newObj);
            }

            @Override
            public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                LOG.warnf("policy bundle %s/%s deleted; keeping version %s until a new one arrives", namespace,
                        name, version());
            }
        });
    }

    /** Called with each newly applied version (on the informer's thread). */
    public void onNewVersion(Consumer<String> listener) {
        this.onNewVersion = listener;
    }

    /** Starts the informer and waits for its first list; the bundle may or may not be there yet. */
    public void start() {
        informer.run();
    }

    @Override
    public List<CompiledPolicy> current() {
        InForce inForce = current.get();
        return inForce == null ? List.of() : inForce.policies();
    }

    @Override
    public boolean loaded() {
        return current.get() != null;
    }

    /** The version in force, null before the first bundle. */
    public String version() {
        InForce inForce = current.get();
        return inForce == null ? null : inForce.version();
    }

    private synchronized void apply(ConfigMap bundle) {
        String version = bundle.getData() == null ? null : bundle.getData().get(PolicyBundle.VERSION_KEY);
        InForce previous = current.get();
        if (previous != null && previous.version().equals(version)) {
            return;
        }
        List<CompiledPolicy> compiled;
        try {
            compiled = PolicyBundle.parse(bundle.getData());
        } catch (RuntimeException e) {
            LOG.errorf("policy bundle %s rejected, keeping %s: %s", version,
                    previous == null ? "none (not serving)" : previous.version(), e.getMessage());
            return;
        }
        current.set(new InForce(version, compiled));
        LOG.infof("policy bundle %s in force: %d policies", version, compiled.size());
        onNewVersion.accept(version);
    }

    @Override
    public void close() {
        informer.close();
    }
}
