package dev.agentguard.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeApiServer.KubectlResult;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * Exec sessions end to end with the real binaries: kubectl (agent's credentials)
 * → exec-shim → this proxy → kube-apiserver → kwok's simulated kubelet, which
 * runs the command as a local process. Side effects (files the command would
 * create) prove what ran and what did not.
 */
@QuarkusTest
@QuarkusTestResource(value = ProxyTestResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecIT {

    private static final String NS = "exec-agents";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Vertx vertx;

    private KubeApiServer cluster;
    private KubernetesClient admin;
    private AgentFixture fixture;
    private Path agent;
    private Path work;

    @BeforeAll
    void agentAndTarget() throws IOException {
        cluster = KubeApiServer.shared();
        admin = cluster.admin();
        fixture = AgentFixture.create(NS);
        agent = fixture.kubeconfig();
        Pod target = fixture.pod("target", KubeApiServer.KWOK_NODE);
        admin.pods().resource(target).waitUntilCondition(p -> p != null
                && "Running".equals(p.getStatus().getPhase()), 30, TimeUnit.SECONDS);
        work = Files.createTempDirectory("exec-it");
    }

    @AfterAll
    void stop() throws InterruptedException {
        fixture.close();
    }

    @Test
    void anAllowedCommandsOutputAndExitCodeArriveIntact() {
        KubectlResult result = asAgent(null, "exec", "target", "-n", NS, "--", "sh", "-c",
                "echo to-stdout; echo to-stderr >&2");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("to-stdout\n");
        assertThat(result.stderr()).isEqualTo("to-stderr\n");

        // A failing command fails the same way through the proxy as it does talking to the API server directly.
        KubectlResult direct = cluster.kubectl(null, "exec", "target", "-n", NS, "--", "sh", "-c", "exit 3");
        KubectlResult proxied = asAgent(null, "exec", "target", "-n", NS, "--", "sh", "-c", "exit 3");
        assertThat(direct.exitCode()).isNotZero();
        assertThat(proxied.exitCode()).isEqualTo(direct.exitCode());
        // The proxy relays the kubelet's own Status (SPDY passes through the API server); kubectl's
        // WebSocket, translated by the API server, wraps a kubelet error once more.
        assertThat(proxied.stderr()).isEqualTo(direct.stderr()
                .replace("Internal error occurred: Internal error occurred: ", "Internal error occurred: "));
    }

    @Test
    void secretsInOutputAreMaskedForTheAgentAndInTheRecording() throws Exception {
        List<String> command = List.of("sh", "-c", "printf 'key=AKIA''IOSFODNN7EXAMPLE\\n'");
        KubectlResult result = asAgent(null, command("exec", "target", "-n", NS, "--", command));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("key=[agentguard:masked]\n");

        AgentSession session = endedSession(command);
        assertThat(Files.readString(recording(session))).doesNotContain("AKIAIOSFODNN7EXAMPLE")
                .contains("key=[agentguard:masked]");
    }

    @Test
    void aShellScriptOnStdinRuns() {
        KubectlResult result = asAgent("echo from-$((1+1))\n", "exec", "-i", "target", "-n", NS, "--", "sh");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("from-2\n");
    }

    @Test
    void aShellScriptOnStdinStopsAtTheBlockedLine() throws Exception {
        applyExfiltrationRules();
        try {
            Path before = work.resolve("before-blocked-line");
            Path after = work.resolve("after-blocked-line");
            String script = "touch " + before + "\npg_dump production\ntouch " + after + "\n";
            KubectlResult result = asAgent(script, "exec", "-i", "target", "-n", NS, "--", "sh");
            assertThat(result.stderr()).contains("agentguard: blocked \"pg_dump production\":"
                    + " ClusterAgentPolicy/exfiltration rule no-database-dumps");
            assertThat(before).as("lines before the blocked one ran").exists();
            assertThat(after).as("the script stopped at the blocked line").doesNotExist();

            AgentSession session = endedSession(List.of("sh"));
            assertThat(session.getStatus().blockedCommands()).containsExactly("pg_dump production");
        } finally {
            deleteExfiltrationRules();
        }
    }

    @Test
    void aBlockedLineTypedIntoATerminalIsCancelled() throws Exception {
        applyExfiltrationRules();
        Path cancelled = work.resolve("typed-and-cancelled");
        try (ChannelClient terminal = ChannelClient.open(vertx, fixture.shim(), "/api/v1/namespaces/" + NS
                + "/pods/target/exec?command=sh&stdin=true&stdout=true&tty=true")) {
            assertThat(terminal.protocol()).isEqualTo("v5.channel.k8s.io");
            terminal.resize(100, 30);
            terminal.type("echo tty-$((6*7))\r");
            await().atMost(Duration.ofSeconds(20)).until(() -> terminal.output().contains("tty-42"));

            terminal.type("touch " + cancelled + "; pg_dump production\r");
            await().atMost(Duration.ofSeconds(20)).until(() -> terminal.output()
                    .contains("agentguard: blocked \"pg_dump production\""));
            // The shell is still usable, and the cancelled line never ran.
            terminal.type("echo still-$((2*3))\r");
            await().atMost(Duration.ofSeconds(20)).until(() -> terminal.output().contains("still-6"));
            assertThat(cancelled).doesNotExist();

            terminal.type("exit 0\r");
            await().atMost(Duration.ofSeconds(20)).until(terminal::isClosed);
            assertThat(terminal.status()).contains("\"status\":\"Success\"");
        } finally {
            deleteExfiltrationRules();
        }
        AgentSession session = endedSession(List.of("sh"), s -> Boolean.TRUE.equals(s.getSpec().tty()));
        assertThat(session.getStatus().blockedCommands()).containsExactly("pg_dump production");
        String cast = Files.readString(recording(session));
        assertThat(cast).contains("\"r\",\"100x30\"").contains("tty-42").contains("agentguard: blocked");
    }

    @Test
    void aCommandThatRequiresApprovalWaitsForAHuman() throws Exception {
        ok(cluster.kubectl("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: migrations-need-a-human, namespace: %s}
                spec:
                  exec:
                    rules:
                      - {name: approve-migrations, action: RequireApproval, programs: [echo], args: "^migrate", reason: schema changes}
                """.formatted(NS), "apply", "-f", "-"));
        Path ran = work.resolve("migrated");
        try (Approver alice = Approver.alice(cluster)) {
            List<String> command = List.of("sh", "-c", "echo migrate now && touch " + ran);
            Path output = Files.createTempFile(work, "held", ".out");
            Process held = await().atMost(Duration.ofSeconds(30)).until(() -> {
                Process p = cluster.startKubectl(agent, output, command("exec", "target", "-n", NS, "--", command));
                // Until the proxy has the policy the command runs at once; then it is held.
                return p.waitFor(3, TimeUnit.SECONDS) ? null : p;
            }, java.util.Objects::nonNull);
            Files.deleteIfExists(ran);

            var request = alice.awaitRequest(NS, r -> command.equals(r.getSpec().request().command()));
            assertThat(request.getSpec().rule()).isEqualTo("approve-migrations");
            assertThat(held.isAlive()).as("held until a human decides").isTrue();
            assertThat(ran).as("nothing ran while held").doesNotExist();

            alice.decide(request, dev.agentguard.api.v1alpha1.ApprovalPhase.Approved, "go ahead");
            assertThat(held.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(held.exitValue()).as(Files.readString(output)).isZero();
            assertThat(Files.readString(output)).contains("migrate now");
            assertThat(ran).exists();

            // The grant covers this command only: another one is held again.
            List<String> other = List.of("sh", "-c", "echo migrate later");
            Process second = cluster.startKubectl(agent, output, command("exec", "target", "-n", NS, "--", other));
            alice.awaitRequest(NS, r -> other.equals(r.getSpec().request().command()));
            second.destroy();
        } finally {
            ok(cluster.kubectl(null, "delete", "agentpolicy", "migrations-need-a-human", "-n", NS));
        }
    }

    /**
     * kube-apiserver's WebSocket-to-SPDY translation drops output that is still queued when the
     * kubelet closes, so a slow reader used to get a Success with output missing
     * (kubernetes/kubernetes#124571). Each run streams 16 MiB to an agent that pauses after
     * every message; in the second it also stops reading for 12 s with 8 MiB to come, longer
     * than the proxy waits for a close frame's answer. Every byte must arrive, before the
     * exit Status.
     */
    @Test
    void aSlowReaderGetsAllOfTheOutput() throws Exception {
        long size = 16L << 20;
        List<Duration> stalls = List.of(Duration.ZERO, Duration.ofSeconds(12));
        for (int run = 0; run < stalls.size(); run++) {
            try (SlowReader agent = SlowReader.open(vertx, fixture.shim(), "/api/v1/namespaces/" + NS
                    + "/pods/target/exec?command=head&command=-c&command=" + size + "&command=/dev/zero&stdout=true",
                    Duration.ofMillis(2), size / 2, stalls.get(run))) {
                await().atMost(Duration.ofMinutes(2)).until(agent::isClosed);
                assertThat(agent.status()).as("run %d", run).contains("\"status\":\"Success\"");
                assertThat(agent.stdoutBytes()).as("run %d", run).isEqualTo(size);
            }
        }
        AgentSession session = endedSession(List.of("head", "-c", String.valueOf(size), "/dev/zero"));
        assertThat(session.getStatus().bytesOut()).isEqualTo(size);
    }

    @Test
    void theClientsProtocolChoiceIsNegotiatedWithTheApiServer() throws Exception {
        try (ChannelClient v4 = ChannelClient.open(vertx, fixture.shim(), "/api/v1/namespaces/" + NS
                + "/pods/target/exec?command=echo&command=over-v4&stdout=true", "v4.channel.k8s.io")) {
            assertThat(v4.protocol()).isEqualTo("v4.channel.k8s.io");
            await().atMost(Duration.ofSeconds(20)).until(v4::isClosed);
            assertThat(v4.output()).isEqualTo("over-v4\n");
            assertThat(v4.status()).contains("\"status\":\"Success\"");
        }
    }

    @Test
    void aCopiedBinaryFileArrivesByteForByte() throws Exception {
        // kubectl cp reads a tar stream over exec's stdout: bytes that are not text must pass the masker unchanged.
        Path original = work.resolve("random.bin");
        byte[] data = randomFile(original, 200 * 1024, 13);
        Path copy = work.resolve("random-copy.bin");

        // Retried while another test's small output budget may still be in the proxy's bundle.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> asAgent(null, "cp", NS + "/target:" + original, copy.toString()), r -> r.exitCode() == 0);

        assertThat(Files.readAllBytes(copy)).as("the copy of a random file through the proxy").isEqualTo(data);
    }

    @Test
    void aCopyOverTheOutputBudgetIsCutOff() throws Exception {
        Path big = work.resolve("big.bin");
        byte[] data = randomFile(big, 256 * 1024, 7);
        ok(cluster.kubectl("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: small-budget, namespace: %s}
                spec:
                  exec:
                    outputBudgetBytes: 16384
                """.formatted(NS), "apply", "-f", "-"));
        try {
            Path copy = work.resolve("copy.bin");
            // Retried until the proxy has the policy: before that the copy succeeds.
            KubectlResult cut = await().atMost(Duration.ofSeconds(30)).until(() -> {
                Files.deleteIfExists(copy);
                return asAgent(null, "cp", NS + "/target:" + big, copy.toString());
            }, r -> r.stderr().contains("output budget of 16384 bytes exceeded"));
            assertThat(cut.exitCode()).isNotZero();
            assertThat(Files.exists(copy) ? Files.size(copy) : 0).isLessThan(data.length);

            AgentSession session = endedSession(List.of("tar", "cf", "-", big.toString()),
                    s -> s.getStatus().terminationReason() != null);
            assertThat(session.getStatus().phase()).isEqualTo("Terminated");
            assertThat(session.getStatus().bytesOut()).isEqualTo(16384L);
            assertThat(session.getStatus().incomplete()).isTrue();
            assertThat(Files.readString(recording(session)))
                    .contains("agentguard: session ended: output budget of 16384 bytes exceeded");
        } finally {
            ok(cluster.kubectl(null, "delete", "agentpolicy", "small-budget", "-n", NS));
        }
    }

    @Test
    void theRecordingReplaysTheSessionAndTheChainDetectsTampering() throws Exception {
        List<String> command = List.of("sh", "-c", "echo replay-one; echo replay-two");
        KubectlResult result = ok(asAgent(null, command("exec", "target", "-n", NS, "--", command)));

        AgentSession session = endedSession(command);
        assertThat(session.getStatus().phase()).isEqualTo("Completed");
        assertThat(session.getStatus().exitCode()).isZero();
        assertThat(session.getStatus().bytesOut()).isEqualTo(result.stdout().length());
        assertThat(session.getStatus().digest()).matches("[0-9a-f]{64}");
        Path cast = recording(session);
        assertThat(replayedOutput(cast)).isEqualTo(result.stdout());
        assertThat(Asciinema.cat(cast)).contains("replay-one").contains("replay-two");

        Path copy = Files.createTempDirectory("recordings-copy");
        try (var files = Files.list(cast.getParent())) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        assertThat(verify(copy).exitCode()).as(verify(copy).output()).isZero();

        Path tampered = copy.resolve(cast.getFileName());
        Files.writeString(tampered, Files.readString(tampered).replace("replay-two", "replay-2wo"));
        VerifyRun run = verify(copy);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains(session.getMetadata().getName()).contains("edited");
    }

    private String replayedOutput(Path cast) throws IOException {
        StringBuilder output = new StringBuilder();
        List<String> lines = Files.readAllLines(cast);
        assertThat(JSON.readTree(lines.get(0)).path("version").asInt()).isEqualTo(2);
        for (String line : lines.subList(1, lines.size())) {
            JsonNode event = JSON.readTree(line);
            if ("o".equals(event.get(1).asText())) {
                output.append(event.get(2).asText());
            }
        }
        return output.toString();
    }

    private record VerifyRun(int exitCode, String output) {
    }

    /** The packaged proxy's {@code verify} command, as an admin runs it on a node. */
    private static VerifyRun verify(Path dir) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        Process process = new ProcessBuilder("java", "-jar", jar.toString(), "verify", dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new VerifyRun(process.exitValue(), output);
    }

    private AgentSession endedSession(List<String> command) {
        return endedSession(command, s -> true);
    }

    /** The newest finished session of the agent with this command, once the proxy has completed it. */
    private AgentSession endedSession(List<String> command, java.util.function.Predicate<AgentSession> also) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> admin.resources(AgentSession.class)
                .inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).withLabel(AgentGuard.GROUP + "/agent-namespace", NS)
                .list().getItems().stream()
                .filter(s -> command.equals(s.getSpec().target().command()))
                .filter(s -> s.getStatus() != null && s.getStatus().phase() != null
                        && !"Running".equals(s.getStatus().phase()))
                .filter(also)
                .max(java.util.Comparator.comparing(s -> s.getSpec().startedAt()))
                .orElse(null), java.util.Objects::nonNull);
    }

    private static Path recording(AgentSession session) {
        String location = session.getStatus().recording();
        assertThat(location).startsWith(ProxyTestResource.NODE + ":");
        return Path.of(location.substring(location.indexOf(':') + 1));
    }

    private void applyExfiltrationRules() {
        ok(cluster.kubectl(null, "apply", "-f", RepoFiles.find("examples/policies/exfiltration.yaml").toString()));
        await().atMost(Duration.ofSeconds(30)).until(() -> asAgent(null, "get", "--raw", "/api/v1/namespaces/" + NS
                + "/pods/target/exec?command=pg_dump").stderr().contains("rule no-database-dumps"));
    }

    private void deleteExfiltrationRules() {
        ok(cluster.kubectl(null, "delete", "clusteragentpolicy", "exfiltration"));
    }

    private static String[] command(String a, String b, String c, String d, String e, List<String> command) {
        List<String> all = new ArrayList<>(List.of(a, b, c, d, e));
        all.addAll(command);
        return all.toArray(String[]::new);
    }

    /** A file of random bytes (every byte value, not text), written and returned. */
    private static byte[] randomFile(Path file, int size, long seed) throws java.io.IOException {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        Files.write(file, data);
        return data;
    }

    private KubectlResult asAgent(String stdin, String... args) {
        return cluster.kubectlWith(agent, stdin, args);
    }

    private static KubectlResult ok(KubectlResult result) {
        assertThat(result.exitCode()).as("kubectl failed: %s", result.stderr()).isZero();
        return result;
    }
}
