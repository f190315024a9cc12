package dev.agentguard.operator.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.AgentSessionSpec;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A session is deleted once older than max-age (here 3s), without any further event. */
@QuarkusTest
@TestProfile(SessionMaxAgeIT.ShortMaxAge.class)
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class SessionMaxAgeIT {

    public static class ShortMaxAge implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentguard.operator.sessions.max-age", "3s",
                    "agentguard.operator.sessions.max-count", "10000");
        }
    }

    private final KubernetesClient admin = KubeApiServer.shared().admin();

    @Test
    void sessionOlderThanMaxAgeIsDeleted() {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName("old-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace("agentguard-system").build());
        session.setSpec(new AgentSessionSpec(new AgentRef("agents", "agent", "agent-0", null, null),
                new RequestRef("create", "", "pods", "exec", "agents", "web", null, List.of("sh")),
                "app", false, "node-1", null));
        String name = admin.resource(session).create().getMetadata().getName();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                admin.resources(AgentSession.class).inNamespace("agentguard-system").withName(name).get() == null);
    }
}
