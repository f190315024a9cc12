package dev.agentguard.proxy.pipeline;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** A human approver, alice in group agentguard:approvers, deciding ApprovalRequests with kubectl's rights. */
final class Approver implements AutoCloseable {

    private final KubernetesClient client;

    private Approver(KubernetesClient client) {
        this.client = client;
    }

    static Approver alice(KubeApiServer cluster) {
        KubernetesClient admin = cluster.admin();
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("test-approver")
                .endMetadata().addNewRule().withApiGroups(AgentGuard.GROUP)
                .withResources("approvalrequests", "approvalrequests/status")
                .withVerbs("get", "list", "watch", "update", "patch").endRule().build()).serverSideApply();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("test-approver").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "test-approver")
                .addNewSubject().withKind("Group").withName("agentguard:approvers").endSubject().build())
                .serverSideApply();
        return new Approver(new KubernetesClientBuilder().withConfig(new ConfigBuilder(cluster.adminConfig())
                .withImpersonateUsername("alice").withImpersonateGroups("agentguard:approvers").build()).build());
    }

    void decide(ApprovalRequest request, ApprovalPhase phase, String message) {
        client.resources(ApprovalRequest.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withName(request.getMetadata().getName()).editStatus(r -> {
                    r.setStatus(new ApprovalRequestStatus(phase, "alice", Instant.now().toString(), message, null));
                    return r;
                });
    }

    /** The agent namespace's ApprovalRequests that match. */
    List<ApprovalRequest> requests(String agentNamespace, Predicate<ApprovalRequest> matching) {
        return client.resources(ApprovalRequest.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withLabel(AgentGuard.GROUP + "/agent-namespace", agentNamespace).list().getItems().stream()
                .filter(matching).toList();
    }

    ApprovalRequest awaitRequest(String agentNamespace, Predicate<ApprovalRequest> matching) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> requests(agentNamespace, matching).stream()
                .findFirst().orElse(null), java.util.Objects::nonNull);
    }

    @Override
    public void close() {
        client.close();
    }
}
