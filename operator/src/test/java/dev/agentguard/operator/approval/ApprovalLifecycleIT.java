package dev.agentguard.operator.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The operator ends approval requests on the real API server (test profile: grace 1s, retention 4s). */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class ApprovalLifecycleIT {

    private final KubernetesClient admin = KubeApiServer.shared().admin();

    @Test
    void pendingRequestExpiresAfterWaitAndGraceThenIsDeleted() {
        ApprovalRequest request = admin.resource(request(1)).create();
        Instant created = Instant.parse(request.getMetadata().getCreationTimestamp());

        ApprovalRequest expired = Awaitility.await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> get(request), r -> r != null && r.getStatus() != null
                        && r.getStatus().phase() == ApprovalPhase.Expired);
        assertThat(expired.getStatus().decidedBy()).isEqualTo("system:serviceaccount:agentguard-system:agentguard-operator");
        assertThat(expired.getStatus().message()).contains("No decision");
        // wait 1s + grace 1s; creationTimestamp has second precision
        assertThat(Instant.parse(expired.getStatus().decidedAt())).isAfterOrEqualTo(created.plusSeconds(2));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(request) == null);
    }

    @Test
    void finishedRequestIsDeletedAfterRetention() {
        ApprovalRequest request = admin.resource(request(3600)).create();
        request.setStatus(new ApprovalRequestStatus(ApprovalPhase.Denied, "alice", Instant.now().toString(),
                "no", null));
        admin.resource(request).updateStatus();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(request) == null);
    }

    @Test
    void pendingRequestWithinItsWaitIsLeftAlone() {
        ApprovalRequest request = admin.resource(request(3600)).create();
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
            ApprovalRequest r = get(request);
            return r != null && (r.getStatus() == null || r.getStatus().phase() != ApprovalPhase.Expired);
        });
        admin.resource(request).delete();
    }

    private ApprovalRequest get(ApprovalRequest request) {
        return admin.resources(ApprovalRequest.class).inNamespace("agentguard-system")
                .withName(request.getMetadata().getName()).get();
    }

    private static ApprovalRequest request(int waitSeconds) {
        ApprovalRequest request = new ApprovalRequest();
        request.setMetadata(new ObjectMetaBuilder().withName("apr-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace("agentguard-system").build());
        request.setSpec(new ApprovalRequestSpec(
                new AgentRef("agents", "agent", "agent-0", null, null),
                new RequestRef("delete", "", "pods", null, "agents", "web", "/api/v1/namespaces/agents/pods/web",
                        List.of()),
                "AgentPolicy/agents/guard", "deletes", "risky", "fp-" + UUID.randomUUID(), waitSeconds, 60, null));
        return request;
    }
}
