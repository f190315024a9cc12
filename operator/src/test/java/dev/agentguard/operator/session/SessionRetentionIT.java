package dev.agentguard.operator.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.AgentSessionSpec;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Session records are bounded per namespace (test profile: max-count 3). */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class SessionRetentionIT {

    private final KubernetesClient admin = KubeApiServer.shared().admin();

    @Test
    void keepsOnlyTheNewestMaxCountSessionsPerNamespace() throws Exception {
        String namespace = "sessions-" + UUID.randomUUID().toString().substring(0, 8);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AgentSession created = admin.resource(session(namespace, "s" + i)).create();
            names.add(created.getMetadata().getName());
            if (i < 2) {
                // creationTimestamp has second precision: the next session must carry a later second
                // (the API server runs on this host, so its clock is this clock).
                Instant stamp = Instant.parse(created.getMetadata().getCreationTimestamp());
                Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(stamp));
            }
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(admin.resources(AgentSession.class).inNamespace(namespace).list().getItems())
                        .extracting(s -> s.getMetadata().getName())
                        .containsExactlyInAnyOrder("s2", "s3", "s4"));
        // and stays so
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                admin.resources(AgentSession.class).inNamespace(namespace).list().getItems().size() == 3);
    }

    private static AgentSession session(String namespace, String name) {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        session.setSpec(new AgentSessionSpec(new AgentRef("agents", "agent", "agent-0", null, null),
                new RequestRef("create", "", "pods", "exec", "agents", "web", null, List.of("sh")),
                "app", false, "node-1", null));
        return session;
    }
}
