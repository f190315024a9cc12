package dev.agentguard.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeApiServer.KubectlResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent's path end to end, with the real binaries: kubectl (agent's
 * credentials) → exec-shim (packaged, own process) → this proxy → kube-apiserver.
 */
@QuarkusTest
@QuarkusTestResource(value = ProxyTestResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyIT {

    private static final String NS = "proxied-agents";

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URL metrics;

    private KubeApiServer cluster;
    private KubernetesClient admin;
    private AgentFixture fixture;
    private Path agent;

    @BeforeAll
    void agentPodBehindAShim() throws IOException {
        cluster = KubeApiServer.shared();
        admin = cluster.admin();
        fixture = AgentFixture.create(NS);
        agent = fixture.kubeconfig();
    }

    @AfterAll
    void stop() throws InterruptedException {
        fixture.close();
    }

    @Test
    void anAllowedRequestReachesTheApiServerAsTheAgent() {
        KubectlResult pods = ok(asAgent("get", "pods", "-n", NS, "-o", "name"));
        assertThat(pods.stdout()).contains("pod/agent");

        KubectlResult whoami = ok(asAgent("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"));
        assertThat(whoami.stdout()).isEqualTo("system:serviceaccount:" + NS + ":agent");
    }

    @Test
    void theAgentsOwnRbacStillApplies() {
        KubectlResult result = asAgent("get", "deployments", "-n", NS);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("Error from server (Forbidden)")
                .contains("system:serviceaccount:" + NS + ":agent\" cannot list resource \"deployments\"");
    }

    @Test
    void impersonationIsRefused() {
        KubectlResult result = asAgent("get", "pods", "-n", NS, "--as=system:admin");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("Error from server (Forbidden)").contains("impersonation");
    }

    @Test
    void tokenMintingIsRefusedEvenWhenRbacAllowsIt() {
        KubectlResult result = asAgent("create", "token", "agent", "-n", NS);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("failed to create token")
                .contains("serviceaccounts/token \"agent\" is forbidden: agentguard BuiltIn/agentguard rule"
                        + " deny-unless-allowed");
    }

    @Test
    void portForwardIsRefusedEvenWhenRbacAllowsIt() {
        KubectlResult result = asAgentWithInput("{}", "create", "--raw",
                "/api/v1/namespaces/" + NS + "/pods/agent/portforward", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("pods/portforward \"agent\" is forbidden")
                .contains("rule deny-unless-allowed");
    }

    @Test
    void aDenyRuleGivesKubectlAForbiddenErrorNamingTheRule() {
        ok(asAgent("get", "secrets", "-n", NS));
        apply("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: secrets-off-limits, namespace: %s}
                spec:
                  rules:
                    - name: no-secrets
                      action: Deny
                      resources: [secrets]
                      reason: agents work without credentials
                """.formatted(NS));

        // The proxy's informer picks the policy up; wait for the decision to change.
        await().atMost(Duration.ofSeconds(30)).until(() -> asAgent("get", "secrets", "-n", NS).exitCode() != 0);
        KubectlResult result = asAgent("get", "secrets", "-n", NS);
        assertThat(result.stderr()).contains("Error from server (Forbidden): secrets is forbidden: agentguard"
                + " AgentPolicy/" + NS + "/secrets-off-limits rule no-secrets denies list in namespace \"" + NS
                + "\": agents work without credentials");

        ok(cluster.kubectl(null, "delete", "agentpolicy", "secrets-off-limits", "-n", NS));
        await().atMost(Duration.ofSeconds(30)).until(() -> asAgent("get", "secrets", "-n", NS).exitCode() == 0);
    }

    @Test
    void everyRequestLeavesOneAuditEventNamingTheAgentDecisionAndRule() throws Exception {
        KubectlResult refused = asAgent("create", "token", "agent", "-n", NS);
        assertThat(refused.exitCode()).isNotZero();

        JsonNode event = awaitAuditEvent(e -> "serviceaccounts".equals(e.at("/objectRef/resource").asText())
                && "token".equals(e.at("/objectRef/subresource").asText()));
        assertThat(event.at("/apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
        assertThat(event.at("/kind").asText()).isEqualTo("Event");
        assertThat(event.at("/verb").asText()).isEqualTo("create");
        assertThat(event.at("/user/username").asText()).isEqualTo("system:serviceaccount:" + NS + ":agent");
        assertThat(event.at("/user/extra/authentication.kubernetes.io~1pod-name/0").asText()).isEqualTo("agent");
        assertThat(event.at("/objectRef/namespace").asText()).isEqualTo(NS);
        assertThat(event.at("/responseStatus/code").asInt()).isEqualTo(403);
        assertThat(event.at("/annotations/agentguard.dev~1decision").asText()).isEqualTo("Deny");
        assertThat(event.at("/annotations/agentguard.dev~1rule").asText()).isEqualTo("deny-unless-allowed");
        assertThat(event.at("/annotations/agentguard.dev~1policy").asText()).isEqualTo("BuiltIn/agentguard");
    }

    @Test
    void aWatchTheAgentAbandonsStillLeavesItsAuditEvent() throws Exception {
        Path output = java.nio.file.Files.createTempFile("watch", ".out");
        Process watch = cluster.startKubectl(agent, output, "get", "pods", "-n", NS, "-w", "-o", "name");
        await().atMost(Duration.ofSeconds(20)).until(() -> java.nio.file.Files.readString(output).contains("pod/"));
        watch.destroy();
        watch.waitFor();

        JsonNode event = awaitAuditEvent(e -> "watch".equals(e.at("/verb").asText())
                && "pods".equals(e.at("/objectRef/resource").asText()));
        assertThat(event.at("/annotations/agentguard.dev~1decision").asText()).isEqualTo("Allow");
    }

    @Test
    void theAuditLogNeverHoldsATokenOrSecret() throws Exception {
        ok(asAgent("get", "pods", "-n", NS));
        awaitAuditEvent(e -> "pods".equals(e.at("/objectRef/resource").asText()));
        String log = java.nio.file.Files.readString(ProxyTestResource.auditFile);
        String placeholder = java.nio.file.Files.readString(fixture.shim().credentials().resolve("token"));
        String podToken = java.nio.file.Files.readString(fixture.shim().tokenFile());
        assertThat(log).doesNotContain(placeholder).doesNotContain(podToken).doesNotContain("Bearer");
    }

    @Test
    void metricsCountRequestsByDecision() {
        asAgent("create", "token", "agent", "-n", NS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> io.restassured.RestAssured.given()
                .get(metrics).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("agentguard_proxy_requests_total{code=\"4xx\",decision=\"Deny\"")));
    }

    @Test
    void aRefusedCommandIsStoppedBeforeAnythingConnectsUpstream() throws Exception {
        ok(cluster.kubectl(null, "apply", "-f",
                dev.agentguard.testing.kube.RepoFiles.find("examples/policies/exfiltration.yaml").toString()));
        try {
            // Probe with a plain GET of the exec URL: refused by the proxy once the policy is in force,
            // refused fast by the API server (no upgrade) before that; never a real exec.
            await().atMost(Duration.ofSeconds(30)).until(() -> asAgent("get", "--raw", "/api/v1/namespaces/" + NS
                    + "/pods/agent/exec?command=pg_dump").stderr().contains("rule no-database-dumps"));
            KubectlResult refused = asAgent("exec", "agent", "-n", NS, "--request-timeout=20s", "--", "sh", "-c",
                    "echo ok; pg_dump db");
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("pods/exec \"agent\" is forbidden: agentguard"
                    + " ClusterAgentPolicy/exfiltration rule no-database-dumps denies command \"pg_dump db\"");

            // A pod on the kwok node, whose exec would run the command for real.
            Pod target = fixture.pod("target", KubeApiServer.KWOK_NODE);
            admin.pods().resource(target).waitUntilCondition(p -> p != null
                    && "Running".equals(p.getStatus().getPhase()), 30, java.util.concurrent.TimeUnit.SECONDS);
            Path marker = java.nio.file.Files.createTempDirectory("exec").resolve("ran");
            Path never = marker.resolveSibling("never");
            KubectlResult blocked = asAgent("exec", "target", "-n", NS, "--request-timeout=20s", "--", "sh", "-c",
                    "touch " + never + "; pg_dump db");
            assertThat(blocked.stderr()).contains("rule no-database-dumps");
            assertThat(never).as("a refused script never starts").doesNotExist();
        } finally {
            ok(cluster.kubectl(null, "delete", "clusteragentpolicy", "exfiltration"));
        }
    }

    @Test
    void spdyUpgradesAreRefusedWithAHintToUseWebSockets() throws Exception {
        String token = fixture.boundToken(admin.pods().inNamespace(NS).withName("agent").get());
        String request = "POST /api/v1/namespaces/" + NS + "/pods/agent/exec?command=ls HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nConnection: Upgrade\r\n"
                + "Upgrade: SPDY/3.1\r\nContent-Length: 0\r\n\r\n";
        // The JDK's HTTP client refuses to send Upgrade headers: speak HTTP/1.1 on a TLS socket.
        try (var socket = tlsTrustingProxy().getSocketFactory().createSocket("127.0.0.1", ProxyTestResource.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // The connection stays open (keep-alive): read up to the end of the Status body.
            StringBuilder response = new StringBuilder();
            var in = socket.getInputStream();
            int c;
            while (!response.toString().endsWith("\"code\":400}") && (c = in.read()) >= 0) {
                response.append((char) c);
            }
            assertThat(response.toString()).startsWith("HTTP/1.1 400").contains("WebSocket");
        }
    }

    @Test
    void anAuditPolicyLetsTheRequestThroughAndRecordsWhatWouldHaveHappened() throws Exception {
        apply("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: audit-configmaps, namespace: %s}
                spec:
                  mode: Audit
                  rules:
                    - {name: no-configmaps, action: Deny, resources: [configmaps]}
                """.formatted(NS));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ok(asAgent("get", "configmaps", "-n", NS));
            return auditEvents().anyMatch(e -> "configmaps".equals(e.at("/objectRef/resource").asText())
                    && "Deny".equals(e.at("/annotations/agentguard.dev~1would-have").asText()));
        });
        JsonNode event = awaitAuditEvent(e -> "configmaps".equals(e.at("/objectRef/resource").asText())
                && e.at("/annotations").has("agentguard.dev/would-have"));
        assertThat(event.at("/responseStatus/code").asInt()).isEqualTo(200);
        assertThat(event.at("/annotations/agentguard.dev~1decision").asText()).isEqualTo("Allow");
        assertThat(event.at("/annotations/agentguard.dev~1mode").asText()).isEqualTo("Audit");
        assertThat(event.at("/annotations/agentguard.dev~1would-have-rule").asText()).isEqualTo("no-configmaps");
    }

    private static java.util.stream.Stream<JsonNode> auditEvents() throws IOException {
        if (!java.nio.file.Files.exists(ProxyTestResource.auditFile)) {
            return java.util.stream.Stream.empty();
        }
        ObjectMapper json = new ObjectMapper();
        return java.nio.file.Files.readAllLines(ProxyTestResource.auditFile).stream().map(line -> {
            try {
                return json.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("audit line is not JSON: " + line, e);
            }
        });
    }

    private static JsonNode awaitAuditEvent(java.util.function.Predicate<JsonNode> matching) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> auditEvents().filter(matching).reduce((a, b) -> b).orElse(null), java.util.Objects::nonNull);
    }

    @Test
    void agentsCannotChangePolicies() {
        KubectlResult result = asAgentWithInput("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: mine, namespace: %s}
                spec: {mode: Audit}
                """.formatted(NS), "create", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("agentpolicies is forbidden")
                .contains("rule agentguard-resources-are-read-only");
    }

    @Test
    void malformedPathsGetABadRequest() {
        KubectlResult result = asAgent("get", "--raw", "/api/v1/namespaces/" + NS + "/pods/agent/exec/extra/x");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("Error from server (BadRequest)")
                .contains("unexpected path segments after the subresource");
    }

    @Test
    void aMalformedBodyGetsTheApiServersCleanError() {
        KubectlResult result = asAgentWithInput("{not json", "create", "--raw",
                "/api/v1/namespaces/" + NS + "/configmaps", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("Error from server (BadRequest)").doesNotContain("Exception");
    }

    @Test
    void aTokenThatIsNotAPodTokenIsUnauthorized() throws Exception {
        HttpResponse<String> response = direct(cluster.tokenFor(NS, "agent"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"kind\":\"Status\"")
                .contains("agentguard accepts only pod-bound service-account tokens");

        assertThat(direct("garbage").statusCode()).isEqualTo(401);
    }

    @Test
    void aPodOnAnotherNodeIsNotServedByThisProxy() throws Exception {
        Pod elsewhere = fixture.pod("elsewhere", "node-b");

        HttpResponse<String> response = direct(fixture.boundToken(elsewhere));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("runs on node node-b, but this agentguard proxy serves node node-a");
    }

    /** Straight to the proxy, as a shim would, with the given bearer token. */
    private HttpResponse<String> direct(String token) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(tlsTrustingProxy()).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + ProxyTestResource.port
                        + "/api/v1/namespaces/" + NS + "/pods")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static SSLContext tlsTrustingProxy() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(ProxyTestResource.caFile)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return tls;
    }

    private void apply(String yaml) {
        ok(cluster.kubectl(yaml, "apply", "-f", "-"));
    }

    private KubectlResult asAgent(String... args) {
        return cluster.kubectlWith(agent, null, args);
    }

    private KubectlResult asAgentWithInput(String stdin, String... args) {
        return cluster.kubectlWith(agent, stdin, args);
    }

    private static KubectlResult ok(KubectlResult result) {
        assertThat(result.exitCode()).as("kubectl failed: %s", result.stderr()).isZero();
        return result;
    }
}
