package dev.agentguard.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;

/**
 * Typing in a terminal through the proxy: the echo of each key reaches the agent at once, while
 * output that is not an echo still waits for the end of its line. The partial-line delay is an
 * hour here, so an echo that waited for it would never arrive within the test.
 */
@QuarkusTest
@TestProfile(TypedEchoIT.HourLongPartialLineDelay.class)
@QuarkusTestResource(value = ProxyTestResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypedEchoIT {

    private static final String NS = "echo-agents";
    private static final Duration WAIT = Duration.ofSeconds(20);

    public static class HourLongPartialLineDelay implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("agentguard.proxy.exec.partial-line-delay", "1h");
        }
    }

    @Inject
    Vertx vertx;

    private AgentFixture fixture;

    @BeforeAll
    void agentAndTarget() {
        fixture = AgentFixture.create(NS);
        Pod target = fixture.pod("target", KubeApiServer.KWOK_NODE);
        KubeApiServer.shared().admin().pods().resource(target).waitUntilCondition(p -> p != null
                && "Running".equals(p.getStatus().getPhase()), 30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws InterruptedException {
        fixture.close();
    }

    @Test
    void typedKeysEchoWithoutWaitingForTheLine() throws Exception {
        try (ChannelClient terminal = ChannelClient.open(vertx, fixture.shim(), "/api/v1/namespaces/" + NS
                + "/pods/target/exec?command=sh&stdin=true&stdout=true&tty=true")) {
            terminal.type("echo typed-");
            await().atMost(WAIT).until(() -> terminal.output().contains("echo typed-"));
            terminal.type("echo");
            await().atMost(WAIT).until(() -> terminal.output().contains("echo typed-echo"));

            // Output that is not an echo is held until its line ends: here, the command's own output.
            terminal.type("\r");
            await().atMost(WAIT).until(() -> terminal.output().contains("\ntyped-echo"));
            // A line of output with a secret is still masked.
            terminal.type("printf 'key=AKIA''IOSFODNN7EXAMPLE\\n'\r");
            await().atMost(WAIT).until(() -> terminal.output().contains("key=[agentguard:masked]"));
            assertThat(terminal.output()).doesNotContain("AKIAIOSFODNN7EXAMPLE");

            terminal.type("exit 0\r");
            await().atMost(WAIT).until(terminal::isClosed);
            assertThat(terminal.status()).contains("\"status\":\"Success\"");
        }
    }
}
