package dev.agentguard.proxy.recordingsapi;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.proxy.identity.ReviewedUser;

/**
 * Asks the API server whether a user may read a session's recording:
 * {@code get agentsessions/recording} on that AgentSession. RBAC stays the one
 * place that grants it, so the proxy holds no list of approvers. Not cached:
 * a revoked binding takes effect on the next fetch. Blocking.
 */
public final class RecordingAccess {

    /** The SubjectAccessReview's answer, with the authorizer's reason when it gave one. */
    public record Verdict(boolean allowed, String reason) {
    }

    private final KubernetesClient client;

    public RecordingAccess(KubernetesClient client) {
        this.client = client;
    }

    public Verdict check(ReviewedUser user, String namespace, String session) {
        SubjectAccessReview review = client.authorization().v1().subjectAccessReview().create(
                new SubjectAccessReviewBuilder().withNewSpec()
                        .withUser(user.username())
                        .withUid(user.uid())
                        .withGroups(user.groups())
                        .withExtra(user.extra())
                        .withNewResourceAttributes()
                        .withGroup(AgentGuard.GROUP)
                        .withResource("agentsessions")
                        .withSubresource("recording")
                        .withVerb("get")
                        .withNamespace(namespace)
                        .withName(session)
                        .endResourceAttributes()
                        .endSpec().build());
        var status = review.getStatus();
        boolean allowed = status != null && Boolean.TRUE.equals(status.getAllowed())
                && !Boolean.TRUE.equals(status.getDenied());
        return new Verdict(allowed, status == null ? null : status.getReason());
    }
}
