package dev.agentguard.webhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import dev.agentguard.api.v1alpha1.RequestRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Only the operator of this installation may expire a request: its ServiceAccount in the
 * configured system namespace, not one of the same name in another namespace. (Expiry is
 * decided without asking the API server, so no client is needed.)
 */
class OperatorExpiryTest {

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final ApprovalAdmission admission = new ApprovalAdmission(null, serialization, Clock.systemUTC(), "guard");

    @Test
    void theOperatorOfTheSystemNamespaceExpires() {
        assertThat(ApprovalAdmission.operatorUser("guard")).isEqualTo("system:serviceaccount:guard:agentguard-operator");
        assertThat(admission.validate(expiry("system:serviceaccount:guard:agentguard-operator")).getAllowed()).isTrue();
    }

    @Test
    void anOperatorAccountOfAnotherNamespaceDoesNot() {
        AdmissionResponse response = admission.validate(expiry("system:serviceaccount:agentguard-system:agentguard-operator"));
        assertThat(response.getAllowed()).isFalse();
        assertThat(response.getStatus().getMessage())
                .contains("only system:serviceaccount:guard:agentguard-operator sets Expired");
    }

    private AdmissionRequest expiry(String username) {
        AdmissionRequest request = new AdmissionRequest();
        request.setUid("uid-1");
        request.setOperation("UPDATE");
        request.setSubResource("status");
        // As the API server sends them: JSON objects.
        request.setOldObject(serialization.convertValue(approvalRequest(null), Map.class));
        request.setObject(serialization.convertValue(approvalRequest(new ApprovalRequestStatus(ApprovalPhase.Expired,
                username, null, "No decision within the wait", null)), Map.class));
        UserInfo user = new UserInfo();
        user.setUsername(username);
        request.setUserInfo(user);
        return request;
    }

    private static ApprovalRequest approvalRequest(ApprovalRequestStatus status) {
        ApprovalRequest request = new ApprovalRequest();
        request.setMetadata(new ObjectMetaBuilder().withName("coder-x7k2p").withNamespace("guard").build());
        request.setSpec(new ApprovalRequestSpec(new AgentRef("team-a", "coder", "coder-0", "uid-1", "node-1"),
                new RequestRef("delete", "apps", "deployments", "", "team-a", "web", "/apis/apps/v1", null),
                "ClusterAgentPolicy/baseline", "approve-destructive-deletes", "needs a human", "f", 1, 60, null));
        request.setStatus(status);
        return request;
    }
}
