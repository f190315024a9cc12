package dev.agentguard.proxy.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.PolicyCompileException;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Policies read straight from the AgentPolicy and ClusterAgentPolicy CRDs with
 * informers. Every change recompiles the full set and swaps it atomically; a
 * policy that does not compile is left out (and logged) rather than
 * half-applied. The operator's compiled bundle will replace this source.
 */
public final class CrdPolicySource implements PolicySource, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CrdPolicySource.class);

    private final AtomicReference<List<CompiledPolicy>> current = new AtomicReference<>(List.of());
    private final SharedIndexInformer<AgentPolicy> namespaced;
    private final SharedIndexInformer<ClusterAgentPolicy> clusterWide;

    public CrdPolicySource(KubernetesClient client) {
        this.namespaced = client.resources(AgentPolicy.class).inAnyNamespace().runnableInformer(0);
        this.clusterWide = client.resources(ClusterAgentPolicy.class).runnableInformer(0);
        namespaced.addEventHandler(recompileOnChange());
        clusterWide.addEventHandler(recompileOnChange());
    }

    /** Starts both informers and waits for their first list, so no request sees an empty set by accident. */
    public void start() {
        namespaced.run();
        clusterWide.run();
        recompile();
    }

    @Override
    public List<CompiledPolicy> current() {
        return current.get();
    }

    private synchronized void recompile() {
        List<CompiledPolicy> compiled = new ArrayList<>();
        for (AgentPolicy policy : namespaced.getStore().list()) {
            compileInto(compiled, () -> CompiledPolicy.compile(policy), "AgentPolicy "
                    + policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName());
        }
        for (ClusterAgentPolicy policy : clusterWide.getStore().list()) {
            compileInto(compiled, () -> CompiledPolicy.compile(policy),
                    "ClusterAgentPolicy " + policy.getMetadata().getName());
        }
        current.set(List.copyOf(compiled));
        LOG.infof("policies in force: %d", compiled.size());
    }

    private static void compileInto(List<CompiledPolicy> into, java.util.function.Supplier<CompiledPolicy> compile,
            String what) {
        try {
            into.add(compile.get());
        } catch (PolicyCompileException e) {
            LOG.warnf("%s is not enforced: %s", what, e.getMessage());
        }
    }

    private <T> ResourceEventHandler<T> recompileOnChange() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                recompile();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                recompile();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                recompile();
            }
        };
    }

    @Override
    public void close() {
        namespaced.close();
        clusterWide.close();
    }
}
