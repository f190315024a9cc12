package dev.agentguard.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.agentguard.proxy.masking.ObjectMasker;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeApiServer.KubectlResult;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * No Secret value reaches the agent, in any shape a client can ask for; keys
 * stay. Driven end to end: real kubectl and fabric8 → packaged shim → proxy →
 * kube-apiserver.
 */
@QuarkusTest
@QuarkusTestResource(value = ProxyTestResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaskingIT {

    private static final String NS = "masked-agents";
    /** "hunter2" and its base64: neither may appear in anything the agent receives. */
    private static final List<String> SECRET_FORMS = List.of("hunter2", "aHVudGVyMg==", "aHVudGVyM");

    private KubeApiServer cluster;
    private AgentFixture fixture;
    private Path agent;

    @BeforeAll
    void secretsAndAnAgent() throws IOException {
        cluster = KubeApiServer.shared();
        fixture = AgentFixture.create(NS);
        agent = fixture.kubeconfig();
        // Applied client-side, so the last-applied annotation holds a full copy of the values.
        ok(cluster.kubectl("""
                apiVersion: v1
                kind: Secret
                metadata: {name: db, namespace: %s}
                stringData: {password: hunter2}
                """.formatted(NS), "apply", "-f", "-"));
    }

    @AfterAll
    void stop() throws InterruptedException {
        fixture.close();
    }

    @Test
    void getAsYamlAndJsonKeepsKeysAndMasksValuesAndLastApplied() {
        for (String format : List.of("yaml", "json")) {
            String out = ok(asAgent("get", "secret", "db", "-n", NS, "-o", format)).stdout();
            assertNoSecret(out);
            assertThat(out).contains("password").contains(ObjectMasker.MASKED_BYTES)
                    .contains(ObjectMasker.MASKED_ANNOTATION).contains("last-applied-configuration");
        }
    }

    @Test
    void theDefaultTableOutputShowsNoValue() {
        String out = ok(asAgent("get", "secrets", "-n", NS)).stdout();
        assertThat(out).contains("db").contains("Opaque");
        assertNoSecret(out);
        assertNoSecret(ok(asAgent("get", "secrets", "-n", NS, "--show-labels", "-o", "wide")).stdout());
    }

    @Test
    void rawListAndRawWatchAreMasked() {
        String list = ok(asAgent("get", "--raw", "/api/v1/namespaces/" + NS + "/secrets")).stdout();
        assertThat(list).contains("\"password\"").contains(ObjectMasker.MASKED_BYTES);
        assertNoSecret(list);

        // The API server ends this watch after 2 seconds: a bounded stream, no sleeping.
        String watch = ok(asAgent("get", "--raw", "/api/v1/namespaces/" + NS
                + "/secrets?watch=1&timeoutSeconds=2")).stdout();
        assertThat(watch).contains("\"ADDED\"").contains(ObjectMasker.MASKED_BYTES);
        assertNoSecret(watch);
    }

    @Test
    void kubectlWatchIsMasked() throws Exception {
        Path output = Files.createTempFile("kubectl-watch", ".out");
        Process watch = cluster.startKubectl(agent, output, "get", "secrets", "-n", NS, "-w", "-o", "json");
        try {
            cluster.admin().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
                    .withName("watched").endMetadata().addToStringData("key", "hunter2").build()).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(output).contains("\"watched\""));
        } finally {
            watch.destroy();
            watch.waitFor();
        }
        String out = Files.readString(output);
        assertThat(out).contains(ObjectMasker.MASKED_BYTES);
        assertNoSecret(out);
    }

    @Test
    void protobufAndTablesWithObjectsAreAnsweredMaskedAsJson() throws Exception {
        HttpResponse<String> protobuf = throughShim("/api/v1/namespaces/" + NS + "/secrets/db",
                "application/vnd.kubernetes.protobuf");
        assertThat(protobuf.statusCode()).isEqualTo(200);
        assertThat(protobuf.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertNoSecret(protobuf.body());

        HttpResponse<String> table = throughShim("/api/v1/namespaces/" + NS + "/secrets?includeObject=Object",
                "application/json;as=Table;v=v1;g=meta.k8s.io");
        assertThat(table.body()).contains("\"kind\":\"Table\"").contains(ObjectMasker.MASKED_BYTES);
        assertNoSecret(table.body());
    }

    @Test
    void aFabric8ClientListsAndWatchesMaskedSecrets() throws Exception {
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + fixture.shim().port())
                .withCaCertFile(fixture.shim().credentials().resolve("ca.crt").toString())
                .withOauthToken(Files.readString(fixture.shim().credentials().resolve("token")))
                .withNamespace(NS).build()).build()) {
            Secret listed = client.secrets().withName("db").get();
            assertThat(listed.getData()).containsOnlyKeys("password")
                    .containsEntry("password", ObjectMasker.MASKED_BYTES);

            List<Secret> seen = new CopyOnWriteArrayList<>();
            try (Watch watch = client.secrets().watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Secret secret) {
                    seen.add(secret);
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            })) {
                cluster.admin().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata()
                        .withName("later").endMetadata().addToStringData("token", "hunter2").build()).create();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> seen.stream().anyMatch(s -> s.getMetadata().getName().equals("later")));
            }
            assertThat(seen).allSatisfy(s -> assertThat(s.getData().values())
                    .containsOnly(ObjectMasker.MASKED_BYTES));
        }
    }

    @Test
    void configMapKeysNamedByPolicyAreMasked() {
        ok(cluster.kubectl("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app, namespace: %s}
                data: {db_password: hunter2, mode: prod}
                ---
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: mask-config, namespace: %s}
                spec:
                  masking:
                    configMapKeys: ["*password*"]
                """.formatted(NS, NS), "apply", "-f", "-"));

        await().atMost(Duration.ofSeconds(30)).until(() -> !asAgent("get", "configmap", "app", "-n", NS, "-o",
                "json").stdout().contains("hunter2"));
        String out = ok(asAgent("get", "configmap", "app", "-n", NS, "-o", "json")).stdout();
        assertThat(out).contains("\"db_password\": \"" + ObjectMasker.MASKED_TEXT + "\"")
                .contains("\"mode\": \"prod\"");
    }

    @Test
    void podLogsAreMaskedLineByLine() throws Exception {
        var target = cluster.admin().pods().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("logger").endMetadata().withNewSpec()
                .withNodeName(KubeApiServer.KWOK_NODE).withAutomountServiceAccountToken(false)
                .addNewContainer().withName(KubeApiServer.KWOK_LOG_CONTAINER).withImage("registry.invalid/app:1")
                .endContainer().endSpec().build()).create();
        cluster.admin().pods().resource(target).waitUntilCondition(
                p -> p != null && "Running".equals(p.getStatus().getPhase()), 30, java.util.concurrent.TimeUnit.SECONDS);
        Files.writeString(cluster.podLogFile(), String.join("", List.of(
                "2026-01-01T00:00:00.000000000Z stdout F starting\n",
                "2026-01-01T00:00:01.000000000Z stdout F using AKIAIOSFODNN7EXAMPLE\n",
                "2026-01-01T00:00:02.000000000Z stdout F db postgres://app:hunter2@db/prod\n",
                "2026-01-01T00:00:03.000000000Z stdout F done\n")));

        String logs = ok(asAgent("logs", "logger", "-n", NS)).stdout();

        assertThat(logs).isEqualTo("starting\nusing [agentguard:masked]\n"
                + "db postgres://app:[agentguard:masked]@db/prod\ndone\n");
    }

    private HttpResponse<String> throughShim(String path, String accept) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var in = Files.newInputStream(fixture.shim().credentials().resolve("ca.crt"))) {
            trust.setCertificateEntry("shim", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
        String placeholder = Files.readString(fixture.shim().credentials().resolve("token"));
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + fixture.shim().port() + path))
                .header("Authorization", "Bearer " + placeholder).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertNoSecret(String text) {
        for (String form : SECRET_FORMS) {
            assertThat(text).doesNotContain(form);
        }
    }

    private KubectlResult asAgent(String... args) {
        return cluster.kubectlWith(agent, null, args);
    }

    private static KubectlResult ok(KubectlResult result) {
        assertThat(result.exitCode()).as("kubectl failed: %s", result.stderr()).isZero();
        return result;
    }
}
