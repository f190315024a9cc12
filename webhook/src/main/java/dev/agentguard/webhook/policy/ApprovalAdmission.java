package dev.agentguard.webhook.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.approval.StepUpCheck;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import dev.agentguard.api.v1alpha1.ApprovalSettings;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import dev.agentguard.api.v1alpha1.PolicySpec;
import dev.agentguard.api.v1alpha1.StepUp;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Who may decide an ApprovalRequest, and that the decider is recorded from the authenticated request.
 *
 * <p>Deciding is an UPDATE of {@code approvalrequests/status}. The mutating half ({@link #stampDecider})
 * overwrites {@code status.decidedBy} with {@code request.userInfo.username}, {@code status.decidedAt}
 * with now and {@code status.grantExpiresAt} with now + {@code spec.grantTTLSeconds} (Approved only; removed
 * otherwise) whenever a Pending request gets a decision, whatever the caller wrote. The validating half
 * ({@link #validate}) then allows only:
 * <ul>
 * <li>Pending → Approved or Denied by an approver of the request's policy: a member of one of the policy's
 * {@code spec.approval.approverGroups}, or a user allowed the {@code approve} verb on
 * {@code approvalrequests.agentguard.dev} (asked with a SubjectAccessReview for the caller's user, groups and
 * extra) — and never by the agent itself (see {@link #selfApproval}); approving (not denying) also needs a
 * login that meets the policy's {@code spec.approval.stepUp}, as copied into the request and as the policy
 * says now (see {@link StepUpCheck});</li>
 * <li>Pending → Expired by the operator's ServiceAccount only, which may set nothing else;</li>
 * <li>no change at all to a decided request, and no change to {@code spec} ever.</li>
 * </ul>
 */
public final class ApprovalAdmission {

    /** The operator's ServiceAccount, in the system namespace. */
    static final String OPERATOR_SERVICE_ACCOUNT = "agentguard-operator";
    static final String POD_NAME_EXTRA = "authentication.kubernetes.io/pod-name";
    static final String POD_UID_EXTRA = "authentication.kubernetes.io/pod-uid";
    static final String APPROVE_VERB = "approve";

    private final KubernetesClient client;
    private final KubernetesSerialization serialization;
    private final Clock clock;
    /** The operator expires requests nobody decided in time; it may do nothing else here. */
    private final String operator;

    /** @param systemNamespace the control plane's namespace, where the operator's ServiceAccount is */
    public ApprovalAdmission(KubernetesClient client, KubernetesSerialization serialization, Clock clock,
            String systemNamespace) {
        this.operator = operatorUser(systemNamespace);
        this.client = client;
        this.serialization = serialization;
        this.clock = clock;
    }

    /** Mutating: on a decision, record who decided and when from the authenticated request. */
    public AdmissionResponse stampDecider(AdmissionRequest request) {
        if (!"UPDATE".equals(request.getOperation()) || !"status".equals(request.getSubResource())) {
            return Reviews.allow(request);
        }
        ApprovalRequest oldOne = read(request.getOldObject());
        ApprovalRequest newOne = read(request.getObject());
        if (phase(oldOne) != ApprovalPhase.Pending || phase(newOne) == ApprovalPhase.Pending) {
            return Reviews.allow(request); // the validating webhook refuses what is not a decision
        }
        String username = request.getUserInfo() == null ? "" : request.getUserInfo().getUsername();
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
        // status exists: its phase is set. "add" replaces an existing member.
        StringBuilder patch = new StringBuilder("[{\"op\":\"add\",\"path\":\"/status/decidedBy\",\"value\":")
                .append(serialization.asJson(username))
                .append("},{\"op\":\"add\",\"path\":\"/status/decidedAt\",\"value\":")
                .append(serialization.asJson(now.toString())).append('}');
        // The grant lasts the policy's grantTTLSeconds as copied into the spec, not what the approver wrote.
        Integer ttl = newOne.getSpec() == null ? null : newOne.getSpec().grantTTLSeconds();
        if (phase(newOne) == ApprovalPhase.Approved && ttl != null && ttl > 0) {
            patch.append(",{\"op\":\"add\",\"path\":\"/status/grantExpiresAt\",\"value\":")
                    .append(serialization.asJson(now.plusSeconds(ttl).toString())).append('}');
        } else if (newOne.getStatus().grantExpiresAt() != null) {
            patch.append(",{\"op\":\"remove\",\"path\":\"/status/grantExpiresAt\"}");
        }
        return Reviews.patch(request, patch.append(']').toString());
    }

    /** Validating: see the class comment. */
    public AdmissionResponse validate(AdmissionRequest request) {
        if (!"UPDATE".equals(request.getOperation())) {
            return Reviews.allow(request);
        }
        ApprovalRequest oldOne = read(request.getOldObject());
        ApprovalRequest newOne = read(request.getObject());
        String name = newOne.getMetadata().getName();
        if (!Objects.equals(oldOne.getSpec(), newOne.getSpec())) {
            return Reviews.refuse(request, "agentguard refused ApprovalRequest " + name
                    + ": spec is immutable after creation");
        }
        if (!"status".equals(request.getSubResource())) {
            return Reviews.allow(request); // metadata only: the status subresource keeps status as it was
        }
        ApprovalPhase from = phase(oldOne);
        ApprovalPhase to = phase(newOne);
        UserInfo user = request.getUserInfo() == null ? new UserInfo() : request.getUserInfo();
        String username = Objects.requireNonNullElse(user.getUsername(), "");
        if (from != ApprovalPhase.Pending) {
            if (Objects.equals(oldOne.getStatus(), newOne.getStatus())) {
                return Reviews.allow(request);
            }
            return Reviews.refuse(request, "agentguard refused ApprovalRequest " + name + ": it was already "
                    + from + " and a decision cannot be changed");
        }
        if (to == ApprovalPhase.Pending) {
            ApprovalRequestStatus s = newOne.getStatus();
            if (s == null || (s.decidedBy() == null && s.decidedAt() == null && s.grantExpiresAt() == null)) {
                return Reviews.allow(request);
            }
            return Reviews.refuse(request, "agentguard refused ApprovalRequest " + name
                    + ": a Pending request has no decidedBy, decidedAt or grantExpiresAt");
        }
        if (to == ApprovalPhase.Expired) {
            return operator.equals(username) ? Reviews.allow(request)
                    : Reviews.refuse(request, "agentguard refused ApprovalRequest " + name + ": only " + operator
                            + " sets Expired; approvers set Approved or Denied");
        }
        if (operator.equals(username)) {
            return Reviews.refuse(request, "agentguard refused ApprovalRequest " + name
                    + ": the operator may only expire requests, not decide them");
        }
        Optional<String> self = selfApproval(newOne.getSpec().agent(), user);
        if (self.isPresent()) {
            return Reviews.refuse(request, "agentguard refused ApprovalRequest " + name + ": " + username
                    + " may not decide it: " + self.get());
        }
        ApprovalSettings current = approvalSettings(newOne.getSpec().policy());
        if (!inApproverGroup(current, user) && !mayApprove(newOne, user)) {
            return Reviews.refuse(request, "agentguard refused ApprovalRequest " + name + ": " + username
                    + " is not an approver for " + newOne.getSpec().policy()
                    + " (not in its spec.approval.approverGroups and not allowed to 'approve' approvalrequests."
                    + AgentGuard.GROUP + ")");
        }
        if (to == ApprovalPhase.Approved) {
            // Denying stays easy: it is the safe direction, and a stale session should still be able to stop
            // a request. Approving must meet the step-up copied at creation (it cannot be loosened under a
            // pending request) and the policy's current one (a tightened policy applies at once).
            for (StepUp required : stepUps(newOne.getSpec().stepUp(), current)) {
                Optional<String> refusal = StepUpCheck.refusal(required, user.getExtra(), Instant.now(clock));
                if (refusal.isPresent()) {
                    return Reviews.refuse(request, "agentguard refused ApprovalRequest " + name + ": "
                            + refusal.get());
                }
            }
        }
        return Reviews.allow(request);
    }

    private static List<StepUp> stepUps(StepUp copied, ApprovalSettings current) {
        List<StepUp> all = new ArrayList<>();
        if (copied != null) {
            all.add(copied);
        }
        if (current != null && current.stepUp() != null && !current.stepUp().equals(copied)) {
            all.add(current.stepUp());
        }
        return all;
    }

    /** The user name the operator's ServiceAccount token authenticates as. */
    public static String operatorUser(String systemNamespace) {
        return "system:serviceaccount:" + systemNamespace + ":" + OPERATOR_SERVICE_ACCOUNT;
    }

    /**
     * The agent must never approve its own request, directly or through anything it can act as. Refused:
     * <ul>
     * <li>the agent's ServiceAccount, {@code system:serviceaccount:<ns>:<sa>};</li>
     * <li>every ServiceAccount of the agent's namespace (user name prefix, or the group
     * {@code system:serviceaccounts:<ns>}): whoever runs the agent there can usually start pods with any
     * ServiceAccount of that namespace, so none of them is an independent human;</li>
     * <li>any credential bound to the agent's pod (the token's {@code authentication.kubernetes.io/pod-name}
     * or {@code pod-uid} extra), whatever its user name.</li>
     * </ul>
     */
    static Optional<String> selfApproval(AgentRef agent, UserInfo user) {
        if (agent == null) {
            return Optional.empty();
        }
        String username = Objects.requireNonNullElse(user.getUsername(), "");
        String prefix = "system:serviceaccount:" + agent.namespace() + ":";
        if (username.equals(prefix + agent.serviceAccount())) {
            return Optional.of("it is the requesting agent's ServiceAccount");
        }
        if (username.startsWith(prefix)
                || (user.getGroups() != null && user.getGroups().contains("system:serviceaccounts:" + agent.namespace()))) {
            return Optional.of("ServiceAccounts of the agent's namespace " + agent.namespace() + " cannot approve");
        }
        Map<String, List<String>> extra = user.getExtra() == null ? Map.of() : user.getExtra();
        if ((agent.pod() != null && extra.getOrDefault(POD_NAME_EXTRA, List.of()).contains(agent.pod()))
                || (agent.podUid() != null && extra.getOrDefault(POD_UID_EXTRA, List.of()).contains(agent.podUid()))) {
            return Optional.of("the credential is bound to the requesting agent's pod");
        }
        return Optional.empty();
    }

    private static boolean inApproverGroup(ApprovalSettings approval, UserInfo user) {
        if (user.getGroups() == null || user.getGroups().isEmpty() || approval == null
                || approval.approverGroups() == null) {
            return false;
        }
        return approval.approverGroups().stream().anyMatch(user.getGroups()::contains);
    }

    /** The approval settings of {@code AgentPolicy/ns/name} or {@code ClusterAgentPolicy/name}; null if it is gone. */
    ApprovalSettings approvalSettings(String policyRef) {
        if (policyRef == null) {
            return null;
        }
        String[] parts = policyRef.split("/");
        PolicySpec spec = null;
        if (parts.length == 3 && parts[0].equals("AgentPolicy")) {
            AgentPolicy p = client.resources(AgentPolicy.class).inNamespace(parts[1]).withName(parts[2]).get();
            spec = p == null ? null : p.getSpec();
        } else if (parts.length == 2 && parts[0].equals("ClusterAgentPolicy")) {
            ClusterAgentPolicy p = client.resources(ClusterAgentPolicy.class).withName(parts[1]).get();
            spec = p == null ? null : p.getSpec();
        }
        return spec == null ? null : spec.getApproval();
    }

    private boolean mayApprove(ApprovalRequest approvalRequest, UserInfo user) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(user.getUsername()).withGroups(user.getGroups()).withUid(user.getUid())
                .withExtra(user.getExtra())
                .withNewResourceAttributes().withGroup(AgentGuard.GROUP).withResource("approvalrequests")
                .withVerb(APPROVE_VERB).withNamespace(approvalRequest.getMetadata().getNamespace())
                .withName(approvalRequest.getMetadata().getName()).endResourceAttributes()
                .endSpec().build();
        SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
        return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }

    private ApprovalRequest read(Object object) {
        return serialization.convertValue(object, ApprovalRequest.class);
    }

    private static ApprovalPhase phase(ApprovalRequest r) {
        return r == null || r.getStatus() == null || r.getStatus().phase() == null ? ApprovalPhase.Pending
                : r.getStatus().phase();
    }
}
