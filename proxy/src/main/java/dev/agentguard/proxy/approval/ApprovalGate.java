package dev.agentguard.proxy.approval;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.request.RequestAttributes;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import dev.agentguard.api.v1alpha1.ApprovalSettings;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.api.v1alpha1.StepUp;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Holds requests that a RequireApproval rule matched until a human decides.
 * It records an {@link ApprovalRequest} in the system namespace (where agents have
 * no access), waits for its phase to change (an informer, no polling) for at most
 * the policy's wait, and answers: Approved lets the request proceed and grants
 * the same fingerprint for the policy's TTL; Denied, Expired or no decision in
 * time refuses it, naming the ApprovalRequest.
 */
public final class ApprovalGate implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ApprovalGate.class);
    static final String NODE_LABEL = AgentGuard.GROUP + "/node";
    static final String FINGERPRINT_LABEL = AgentGuard.GROUP + "/fingerprint";
    private static final int DEFAULT_WAIT_SECONDS = 300;
    private static final int DEFAULT_GRANT_SECONDS = 900;

    private final Vertx vertx;
    private final KubernetesClient client;
    private final String namespace;
    private final String nodeName;
    private final Duration maxWait;
    private final Clock clock;
    private final ApprovalGrants grants;
    private final Map<String, Promise<ApprovalRequest>> waiting = new ConcurrentHashMap<>();
    private final SharedIndexInformer<ApprovalRequest> informer;

    /** @param namespace the system namespace, where ApprovalRequests are created and watched */
    public ApprovalGate(Vertx vertx, KubernetesClient client, String namespace, String nodeName, Duration maxWait,
            Clock clock) {
        this.vertx = vertx;
        this.client = client;
        this.namespace = namespace;
        this.nodeName = nodeName;
        this.maxWait = maxWait;
        this.clock = clock;
        this.grants = new ApprovalGrants(clock);
        this.informer = client.resources(ApprovalRequest.class).inNamespace(namespace)
                .withLabel(NODE_LABEL, nodeName).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ApprovalRequest request) {
                decided(request);
            }

            @Override
            public void onUpdate(ApprovalRequest before, ApprovalRequest after) {
                decided(after);
            }

            @Override
            public void onDelete(ApprovalRequest request, boolean finalStateUnknown) {
                Promise<ApprovalRequest> promise = waiting.remove(request.getMetadata().getName());
                if (promise != null) {
                    promise.tryFail("the ApprovalRequest was deleted");
                }
            }
        });
    }

    public void start() {
        informer.run();
    }

    /**
     * @param command  for exec, the command (shown to the approver, part of the grant); else empty
     * @param settings the matched policy's approval settings (defaults when null)
     */
    public Future<ApprovalOutcome> hold(AgentIdentity agent, String podUid, RequestAttributes request,
            List<String> command, Decision.Match match, ApprovalSettings settings) {
        String fingerprint = Fingerprint.of(agent, request, command);
        if (grants.granted(fingerprint)) {
            return Future.succeededFuture(new ApprovalOutcome(true, "", "granted by an earlier approval"));
        }
        int waitSeconds = settings == null || settings.waitSeconds() == null ? DEFAULT_WAIT_SECONDS
                : settings.waitSeconds();
        Duration wait = Duration.ofSeconds(waitSeconds).compareTo(maxWait) > 0 ? maxWait
                : Duration.ofSeconds(waitSeconds);
        Duration grantTtl = Duration.ofSeconds(settings == null || settings.grantTTLSeconds() == null
                ? DEFAULT_GRANT_SECONDS : settings.grantTTLSeconds());

        // Copied into the request so the requirement cannot be loosened while it is pending.
        StepUp stepUp = settings == null ? null : settings.stepUp();
        return vertx.executeBlocking(() -> create(agent, podUid, request, command, match, fingerprint, wait, grantTtl,
                stepUp), false)
                .compose(created -> await(created, wait))
                .map(decided -> outcome(decided, fingerprint, grantTtl, wait));
    }

    private ApprovalRequest create(AgentIdentity agent, String podUid, RequestAttributes request,
            List<String> command, Decision.Match match, String fingerprint, Duration wait, Duration grantTtl,
            StepUp stepUp) {
        ApprovalRequest approval = new ApprovalRequest();
        approval.setMetadata(new ObjectMetaBuilder()
                .withGenerateName(agent.serviceAccount() + "-")
                .withNamespace(namespace)
                .addToLabels(NODE_LABEL, nodeName)
                .addToLabels(FINGERPRINT_LABEL, fingerprint.substring(0, 63))
                .addToLabels(AgentGuard.GROUP + "/agent-namespace", agent.namespace())
                .build());
        approval.setSpec(new ApprovalRequestSpec(
                new AgentRef(agent.namespace(), agent.serviceAccount(), agent.podName(), podUid, nodeName),
                new RequestRef(request.verb(), request.apiGroup(), request.resource(), request.subresource(),
                        request.namespace(), request.name(), request.path(), command.isEmpty() ? null : command),
                match.policy().toString(), match.rule(), match.reason(), fingerprint,
                (int) wait.toSeconds(), (int) grantTtl.toSeconds(), stepUp));
        ApprovalRequest created = client.resources(ApprovalRequest.class).inNamespace(namespace)
                .resource(approval).create();
        LOG.infof("holding %s %s of %s for approval: approvalrequest %s/%s", request.verb(), request.path(),
                agent.userName(), namespace, created.getMetadata().getName());
        return created;
    }

    private Future<ApprovalRequest> await(ApprovalRequest created, Duration wait) {
        String name = created.getMetadata().getName();
        Promise<ApprovalRequest> promise = Promise.promise();
        waiting.put(name, promise);
        // The informer may already hold a decision made before we registered.
        ApprovalRequest cached = informer.getStore().getByKey(namespace + "/" + name);
        if (cached != null) {
            decided(cached);
        }
        long timer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> promise.tryComplete(created));
        return promise.future().onComplete(done -> {
            vertx.cancelTimer(timer);
            waiting.remove(name);
        });
    }

    private void decided(ApprovalRequest request) {
        ApprovalPhase phase = request.getStatus() == null ? null : request.getStatus().phase();
        if (phase != null && phase != ApprovalPhase.Pending) {
            Promise<ApprovalRequest> promise = waiting.get(request.getMetadata().getName());
            if (promise != null) {
                promise.tryComplete(request);
            }
        }
    }

    private ApprovalOutcome outcome(ApprovalRequest request, String fingerprint, Duration grantTtl, Duration wait) {
        String name = "approvalrequest " + namespace + "/" + request.getMetadata().getName();
        ApprovalRequestStatus status = request.getStatus();
        ApprovalPhase phase = status == null || status.phase() == null ? ApprovalPhase.Pending : status.phase();
        return switch (phase) {
            case Approved -> {
                grants.grant(fingerprint, grantTtl);
                yield new ApprovalOutcome(true, request.getMetadata().getName(), "approved in " + name
                        + (status.decidedBy() == null ? "" : " by " + status.decidedBy()));
            }
            case Denied -> new ApprovalOutcome(false, request.getMetadata().getName(), "denied in " + name
                    + (status.decidedBy() == null ? "" : " by " + status.decidedBy())
                    + (status.message() == null ? "" : ": " + status.message()));
            case Expired -> new ApprovalOutcome(false, request.getMetadata().getName(), name + " expired");
            case Pending -> new ApprovalOutcome(false, request.getMetadata().getName(), "not approved within "
                    + wait.toSeconds() + "s: " + name + " is still pending");
        };
    }

    @Override
    public void close() {
        informer.close();
    }
}
