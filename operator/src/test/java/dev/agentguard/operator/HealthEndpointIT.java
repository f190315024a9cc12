package dev.agentguard.operator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The kubelet's probes rely on these endpoints answering UP once the operator has started. */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class HealthEndpointIT {

    @Test
    void readinessIsUp() {
        // Ready once every controller's informers have synced.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
    }

    @Test
    void livenessIsUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
