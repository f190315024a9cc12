package dev.agentguard.operator.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

/** JOSDK's reconcile metrics (count, duration, failures) per controller are on /q/metrics. */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class ReconcileMetricsIT {

    private static final Pattern STARTED = Pattern.compile(
            "(?m)^reconciliations_started_total\\{[^}]*controller_name=\"session-retention\"[^}]*} ([0-9.E]+)$");

    private final KubernetesClient admin = KubeApiServer.shared().admin();

    @Test
    void aReconcileIsCountedAndTimed() {
        double before = started();
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName("metrics-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace("agentguard-system").build());
        session.setSpec(new AgentSessionSpec(new AgentRef("agents", "agent", "agent-0", null, null),
                new RequestRef("create", "", "pods", "exec", "agents", "web", null, List.of("sh")),
                "app", false, "node-1", null));
        admin.resource(session).create();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> started() > before);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern(
                "reconciliations_success_total\\{[^}]*controller_name=\"session-retention\"");
        assertThat(metrics).containsPattern(
                "reconciliations_execution_duration_seconds_count\\{[^}]*controller_name=\"session-retention\"");
        admin.resource(session).delete();
    }

    private static double started() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = STARTED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
