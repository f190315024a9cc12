package dev.agentguard.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
import dev.agentguard.recordings.ProxyEndpoint;
import dev.agentguard.recordings.ProxyLocator;
import dev.agentguard.recordings.ProxyTrust;
import dev.agentguard.recordings.RecordingClient;
import dev.agentguard.recordings.RecordingException;
import dev.agentguard.recordings.Verification;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The recordings endpoint against the real API server: a session recorded
 * through the proxy, read back by a ServiceAccount bound to the shipped
 * {@code agentguard-approver} ClusterRole, and refused to everyone else: no
 * token, a token the API server rejects, a user without the grant, the agent
 * itself through its shim, the wrong namespace, and paths that try to leave the
 * recording directory.
 */
@QuarkusTest
@QuarkusTestResource(value = ProxyTestResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingsEndpointIT {

    private static final String NS = "recording-agents";
    private static final String PEOPLE = "recording-people";
    private static final String SYSTEM = AgentGuard.DEFAULT_SYSTEM_NAMESPACE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubeApiServer cluster;
    private KubernetesClient admin;
    private AgentFixture fixture;
    private Path agent;
    private HttpClient http;
    private String approver;
    private String stranger;

    @BeforeAll
    void sessionsAndPeople() throws Exception {
        cluster = KubeApiServer.shared();
        admin = cluster.admin();
        fixture = AgentFixture.create(NS);
        agent = fixture.kubeconfig();
        admin.pods().resource(fixture.pod("target", KubeApiServer.KWOK_NODE)).waitUntilCondition(p -> p != null
                && "Running".equals(p.getStatus().getPhase()), 30, TimeUnit.SECONDS);
        ok(cluster.kubectl(null, "apply", "--server-side", "-f",
                RepoFiles.find("manifests/approver-rbac.yaml").toString()));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(PEOPLE).endMetadata()
                .build()).serverSideApply();
        for (String name : List.of("approver", "stranger")) {
            admin.serviceAccounts().inNamespace(PEOPLE).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName(name).endMetadata().build()).serverSideApply();
        }
        // Bound as the chart binds approvers.groups: the ClusterRole, in the system namespace only.
        admin.rbac().roleBindings().inNamespace(SYSTEM).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("recording-it-approver").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "agentguard-approver")
                .addNewSubject().withKind("ServiceAccount").withName("approver").withNamespace(PEOPLE).endSubject()
                .build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(SYSTEM).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("recording-it-approver-recordings").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "agentguard-approver-recordings")
                .addNewSubject().withKind("ServiceAccount").withName("approver").withNamespace(PEOPLE).endSubject()
                .build()).serverSideApply();
        approver = token("approver");
        stranger = token("stranger");
        http = HttpClient.newBuilder().sslContext(trusting(ProxyTestResource.caFile)).build();
    }

    @AfterAll
    void stop() throws InterruptedException {
        admin.rbac().roleBindings().inNamespace(SYSTEM).withName("recording-it-approver").delete();
        admin.rbac().roleBindings().inNamespace(SYSTEM).withName("recording-it-approver-recordings").delete();
        admin.pods().inNamespace(SYSTEM).withName(PROXY_POD).withGracePeriod(0).delete();
        admin.namespaces().withName(PEOPLE).delete();
        fixture.close();
    }

    @Test
    void anApproverFetchesTheRecordingAsWrittenAndItVerifiesIntact() throws Exception {
        AgentSession session = recordedSession("fetched");
        HttpResponse<byte[]> response = get(path(SYSTEM, name(session)), approver);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-asciicast");
        assertThat(response.body()).isEqualTo(Files.readAllBytes(file(session)));
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("fetched-one").contains("fetched-two");

        JsonNode verification = json(get(path(SYSTEM, name(session)) + "/verification", approver), 200);
        assertThat(verification.path("session").asText()).isEqualTo(name(session));
        assertThat(verification.path("intact").asBoolean()).isTrue();
        assertThat(verification.path("problems")).isEmpty();
        assertThat(verification.path("digest").asText()).isEqualTo(session.getStatus().digest());
    }

    @Test
    void aTamperedRecordingVerifiesAsNotIntactNamingTheProblem() throws Exception {
        AgentSession session = recordedSession("tampered");
        Path file = file(session);
        byte[] original = Files.readAllBytes(file);
        try {
            Files.writeString(file, new String(original, StandardCharsets.UTF_8).replace("tampered-two", "tampered-2wo"));
            JsonNode verification = json(get(path(SYSTEM, name(session)) + "/verification", approver), 200);
            assertThat(verification.path("intact").asBoolean()).isFalse();
            assertThat(verification.path("problems").toString()).contains("edited").contains(name(session));
        } finally {
            // The directory is shared with the other ITs, whose chain checks must still pass.
            Files.write(file, original);
        }
        assertThat(json(get(path(SYSTEM, name(session)) + "/verification", approver), 200).path("intact")
                .asBoolean()).isTrue();
    }

    @Test
    void withoutAValidTokenTheAnswerIs401() throws Exception {
        AgentSession session = recordedSession("unauthenticated");
        JsonNode none = json(get(path(SYSTEM, name(session)), null), 401);
        assertThat(none.path("message").asText()).contains("Bearer token");
        JsonNode bogus = json(get(path(SYSTEM, name(session)), "not-a-token"), 401);
        assertThat(bogus.path("message").asText()).contains("not accepted by the API server");
    }

    @Test
    void aUserWithoutTheGrantGets403WithTheReason() throws Exception {
        AgentSession session = recordedSession("forbidden");
        JsonNode refused = json(get(path(SYSTEM, name(session)), stranger), 403);
        assertThat(refused.path("message").asText()).contains("system:serviceaccount:" + PEOPLE + ":stranger")
                .contains("cannot get agentsessions/recording").doesNotContain("\n");
        json(get(path(SYSTEM, name(session)) + "/verification", stranger), 403);
    }

    @Test
    void theAgentItselfCannotReadRecordingsThroughItsShim() throws Exception {
        AgentSession session = recordedSession("agent-reads");
        KubectlResult result = cluster.kubectlWith(agent, null, "get", "--raw", path(SYSTEM, name(session)));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("system:serviceaccount:" + NS + ":agent")
                .contains("cannot get agentsessions/recording");
        assertThat(result.stdout()).doesNotContain("agent-reads-one");
    }

    @Test
    void theGrantIsForTheSystemNamespacesSessionsOnly() throws Exception {
        AgentSession session = recordedSession("elsewhere");
        // The binding is in the system namespace: in another namespace RBAC says no.
        json(get(path(NS, name(session)), approver), 403);
        json(get(path(SYSTEM, "no-such-session"), approver), 404);
    }

    @Test
    void pathTricksAre400AndOtherMethods405() throws Exception {
        String base = "/agentguard/v1/recordings/";
        for (String tricky : List.of(base + SYSTEM + "/..%2Fchain.jsonl", base + SYSTEM + "/%2e%2e",
                base + SYSTEM + "/chain.jsonl%00", base + "/" + SYSTEM + "/x", base + SYSTEM + "//x",
                base + SYSTEM + "/x/y", base + SYSTEM + "/Upper", base + SYSTEM + "/x/verification/",
                base + ".." + "/x", base + SYSTEM + "/x?watch=1")) {
            JsonNode refused = json(get(tricky, approver), 400);
            assertThat(refused.path("kind").asText()).as(tricky).isEqualTo("Status");
        }
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(uri(base + SYSTEM + "/x"))
                .header("Authorization", "Bearer " + approver).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        // Not forwarded upstream: the API server would answer its own 404, not agentguard's.
        JsonNode unknown = json(get("/agentguard/v1/elsewhere", approver), 404);
        assertThat(unknown.path("message").asText()).contains("no such agentguard endpoint");
    }

    @Test
    void theRecordingsClientFindsTheProxyOfTheSessionsNodeAndVerifiesItsCertificate() throws Exception {
        AgentSession session = recordedSession("client");
        publishProxyPodAndBundle(Files.readString(ProxyTestResource.caFile));
        try (KubernetesClient asApprover = clientWithToken(approver)) {
            ProxyEndpoint proxy = new ProxyLocator(asApprover, SYSTEM).locate(name(session));
            assertThat(proxy).isEqualTo(new ProxyEndpoint(ProxyTestResource.NODE, "127.0.0.1",
                    ProxyTestResource.port, "agentguard-proxy.agentguard-system.svc"));
            RecordingClient client = new RecordingClient(asApprover, SYSTEM);
            try (InputStream cast = client.fetch(name(session), approver)) {
                assertThat(cast.readAllBytes()).isEqualTo(Files.readAllBytes(file(session)));
            }
            Verification verification = client.verification(name(session), approver);
            assertThat(verification.intact()).isTrue();
            assertThat(verification.digest()).isEqualTo(session.getStatus().digest());

            // The proxy's own message, on one line, for someone without the grant.
            assertThatThrownBy(() -> client.verification(name(session), stranger))
                    .isInstanceOfSatisfying(RecordingException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.getMessage()).contains("cannot get agentsessions/recording")
                                .doesNotContain("\n");
                    });
        }
        // The certificate must carry the proxy's Service name: the IP it is reached on is not enough.
        HttpClient wrongName = HttpClient.newBuilder().sslContext(ProxyTrust.context(
                Files.readString(ProxyTestResource.caFile), "agentguard-proxy.elsewhere.svc")).build();
        assertThatThrownBy(() -> wrongName.send(HttpRequest.newBuilder(uri(path(SYSTEM, name(session)))).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        // And chain to the operator's CA, not any other.
        String otherCa = dev.agentguard.testing.kube.TestTls.issue("other").caPem();
        HttpClient wrongCa = HttpClient.newBuilder().sslContext(ProxyTrust.context(otherCa,
                "agentguard-proxy.agentguard-system.svc")).build();
        assertThatThrownBy(() -> wrongCa.send(HttpRequest.newBuilder(uri(path(SYSTEM, name(session)))).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }

    private static final String PROXY_POD = "agentguard-proxy-recording-it";

    /** What the DaemonSet and the operator leave in the system namespace: the node's proxy pod and the CA bundle. */
    private void publishProxyPodAndBundle(String caPem) {
        admin.configMaps().inNamespace(SYSTEM).resource(new ConfigMapBuilder().withNewMetadata()
                .withName(ProxyTrust.CONFIG_MAP).endMetadata().addToData(ProxyTrust.KEY, caPem).build())
                .serverSideApply();
        Pod pod = admin.pods().inNamespace(SYSTEM).resource(new PodBuilder().withNewMetadata().withName(PROXY_POD)
                .addToLabels(ProxyLocator.PROXY_LABEL, ProxyLocator.PROXY_NAME).endMetadata().withNewSpec()
                .withNodeName(ProxyTestResource.NODE).addNewContainer().withName("proxy")
                .withImage("registry.invalid/proxy:1").addNewPort().withName("shims")
                .withContainerPort(ProxyTestResource.port).withHostPort(ProxyTestResource.port).endPort()
                .endContainer().endSpec().build()).serverSideApply();
        // Nobody runs node-a's kubelet: the status it would report.
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withHostIP("127.0.0.1").withPodIP("127.0.0.1")
                .build());
        admin.pods().inNamespace(SYSTEM).resource(pod).updateStatus();
    }

    private KubernetesClient clientWithToken(String token) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(cluster.url()).withCaCertData(java.util.Base64.getEncoder().encodeToString(
                        cluster.caCertificatePem().getBytes(StandardCharsets.UTF_8)))
                .withOauthToken(token).build()).build();
    }

    private AgentSession recordedSession(String marker) {
        List<String> command = List.of("sh", "-c", "echo " + marker + "-one; echo " + marker + "-two");
        KubectlResult result = cluster.kubectlWith(agent, null, concat(List.of("exec", "target", "-n", NS, "--"),
                command));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return await().atMost(Duration.ofSeconds(30)).until(() -> admin.resources(AgentSession.class)
                .inNamespace(SYSTEM).withLabel(AgentGuard.GROUP + "/agent-namespace", NS)
                .list().getItems().stream()
                .filter(s -> command.equals(s.getSpec().target().command()))
                .filter(s -> s.getStatus() != null && s.getStatus().digest() != null)
                .max(Comparator.comparing(s -> s.getSpec().startedAt()))
                .orElse(null), java.util.Objects::nonNull);
    }

    private static String[] concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }

    private static String name(AgentSession session) {
        return session.getMetadata().getName();
    }

    private static Path file(AgentSession session) {
        String location = session.getStatus().recording();
        return Path.of(location.substring(location.indexOf(':') + 1));
    }

    private static String path(String namespace, String session) {
        return "/agentguard/v1/recordings/" + namespace + "/" + session;
    }

    private static URI uri(String path) {
        return URI.create("https://127.0.0.1:" + ProxyTestResource.port + path);
    }

    private HttpResponse<byte[]> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> response, int code) throws Exception {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(response.uri() + ": " + body).isEqualTo(code);
        return JSON.readTree(body);
    }

    private String token(String serviceAccount) {
        return admin.serviceAccounts().inNamespace(PEOPLE).withName(serviceAccount).tokenRequest(
                new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
                .getStatus().getToken();
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static KubectlResult ok(KubectlResult result) {
        assertThat(result.exitCode()).as("kubectl failed: %s", result.stderr()).isZero();
        return result;
    }
}
