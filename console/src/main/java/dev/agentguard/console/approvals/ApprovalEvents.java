package dev.agentguard.console.approvals;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.console.ConsoleConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * Tells open approvals pages that the requests changed, so they fetch their rows again as
 * their user. The console's own ServiceAccount only watches; the events carry the name of the
 * request that changed and nothing else, so a page learns no more than its user could list.
 */
@ApplicationScoped
public class ApprovalEvents {

    private static final Logger LOG = Logger.getLogger(ApprovalEvents.class);
    /** Keeps idle streams open through proxies and load balancers that cut silent connections. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final KubernetesClient client;
    private final ConsoleConfig config;
    private final BroadcastProcessor<String> changes = BroadcastProcessor.create();
    private SharedIndexInformer<ApprovalRequest> informer;

    public ApprovalEvents(KubernetesClient client, ConsoleConfig config) {
        this.client = client;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        informer = client.resources(ApprovalRequest.class).inNamespace(config.systemNamespace())
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ApprovalRequest request) {
                        changed(request);
                    }

                    @Override
                    public void onUpdate(ApprovalRequest before, ApprovalRequest after) {
                        changed(after);
                    }

                    @Override
                    public void onDelete(ApprovalRequest request, boolean unknownFinalState) {
                        changed(request);
                    }
                }, 0);
        informer.stopped().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.errorf(failure, "watch of approvalrequests in %s stopped; live updates are off", config.systemNamespace());
            }
        });
    }

    void stop(@Observes ShutdownEvent event) {
        if (informer != null) {
            informer.close();
        }
        changes.onComplete();
    }

    private void changed(ApprovalRequest request) {
        changes.onNext("changed " + request.getMetadata().getName());
    }

    /** The change events, interleaved with heartbeats ("ping"). */
    public Multi<String> stream() {
        return Multi.createBy().merging().streams(changes,
                Multi.createFrom().ticks().every(HEARTBEAT).map(tick -> "ping"));
    }
}
