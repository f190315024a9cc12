package dev.agentguard.webhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.agentguard.api.v1alpha1.AgentRef;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import org.junit.jupiter.api.Test;

class SelfApprovalTest {

    private final AgentRef agent = new AgentRef("team-a", "coder", "coder-0", "uid-1", "node-1");

    @Test
    void theAgentsOwnServiceAccountIsRefused() {
        assertThat(ApprovalAdmission.selfApproval(agent, user("system:serviceaccount:team-a:coder", List.of())))
                .hasValueSatisfying(m -> assertThat(m).contains("requesting agent's ServiceAccount"));
    }

    @Test
    void anyServiceAccountOfTheAgentsNamespaceIsRefused() {
        assertThat(ApprovalAdmission.selfApproval(agent, user("system:serviceaccount:team-a:other", List.of())))
                .isPresent();
        assertThat(ApprovalAdmission.selfApproval(agent, user("someone",
                List.of("system:serviceaccounts:team-a")))).isPresent();
    }

    @Test
    void aCredentialBoundToTheAgentPodIsRefused() {
        UserInfo byName = user("system:serviceaccount:elsewhere:x", List.of());
        byName.setExtra(Map.of(ApprovalAdmission.POD_NAME_EXTRA, List.of("coder-0")));
        assertThat(ApprovalAdmission.selfApproval(agent, byName)).hasValueSatisfying(
                m -> assertThat(m).contains("bound to the requesting agent's pod"));
        UserInfo byUid = user("system:serviceaccount:elsewhere:x", List.of());
        byUid.setExtra(Map.of(ApprovalAdmission.POD_UID_EXTRA, List.of("uid-1")));
        assertThat(ApprovalAdmission.selfApproval(agent, byUid)).isPresent();
    }

    @Test
    void humansAndOtherNamespacesServiceAccountsAreNotSelf() {
        assertThat(ApprovalAdmission.selfApproval(agent, user("alice", List.of("agentguard:approvers")))).isEmpty();
        assertThat(ApprovalAdmission.selfApproval(agent, user("system:serviceaccount:team-ab:coder", List.of())))
                .isEmpty();
    }

    private static UserInfo user(String name, List<String> groups) {
        UserInfo user = new UserInfo();
        user.setUsername(name);
        user.setGroups(groups);
        return user;
    }
}
