package dev.agentguard.shim.forward;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's unchanged in-cluster client talks through a running shim to the
 * real kube-apiserver and is authorized as the pod's ServiceAccount, while the
 * placeholder credentials it holds are worthless to the API server itself.
 */
@QuarkusTest
@QuarkusTestResource(value = ShimTestResource.class, restrictToAnnotatedClass = true)
class ShimForwardingIT {

    @TestHTTPResource("/q/health/started")
    java.net.URL started;

    private KubernetesClient agent;

    @BeforeEach
    void inClusterClient() {
        agent = inClusterClientFromTheAgentsView();
    }

    @AfterEach
    void close() {
        agent.close();
    }

    @Test
    void startupProbePassesOnceCredentialsAreWritten() throws IOException {
        given().get(started).then().statusCode(200).body("status", equalTo("UP"));
        assertThat(Files.readString(ShimTestResource.credentialsDir.resolve("namespace")))
                .isEqualTo(ShimTestResource.NAMESPACE);
        assertThat(Files.readString(ShimTestResource.credentialsDir.resolve("token")))
                .startsWith("agentguard-placeholder.");
        assertThat(Files.readString(ShimTestResource.credentialsDir.resolve("ca.crt")))
                .startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void anUnchangedInClusterClientIsAuthorizedAsThePodsServiceAccount() {
        assertThat(agent.getConfiguration().getNamespace()).isEqualTo(ShimTestResource.NAMESPACE);
        assertThat(agent.getConfiguration().getMasterUrl()).contains("127.0.0.1:" + ShimTestResource.port);

        SelfSubjectReview review = agent.authentication().v1().selfSubjectReviews()
                .create(new SelfSubjectReview());
        assertThat(review.getStatus().getUserInfo().getUsername())
                .isEqualTo("system:serviceaccount:shim-test:agent");
        assertThat(review.getStatus().getUserInfo().getExtra())
                .containsEntry("authentication.kubernetes.io/pod-name", List.of("agent"));

        assertThat(agent.pods().list().getItems()).extracting(p -> p.getMetadata().getName()).contains("agent");
    }

    @Test
    void theServiceAccountsRbacStillApplies() {
        assertThatThrownBy(() -> agent.secrets().list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void watchesStreamThroughTheShim() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Watch watch = agent.configMaps().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                seen.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            KubeApiServer.shared().admin().configMaps().inNamespace(ShimTestResource.NAMESPACE)
                    .resource(new ConfigMapBuilder().withNewMetadata().withName("streamed").endMetadata()
                            .addToData("k", "v").build()).create();

            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("ADDED streamed"));
        }
    }

    @Test
    void thePlaceholderTokenIsRejectedByTheApiServer() throws IOException {
        String placeholder = Files.readString(ShimTestResource.credentialsDir.resolve("token"));
        try (KubernetesClient direct = KubeApiServer.shared().clientWithToken(placeholder)) {
            assertThatThrownBy(() -> direct.pods().inNamespace(ShimTestResource.NAMESPACE).list())
                    .isInstanceOfSatisfying(KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(401));
        }
    }

    @Test
    void theShimAcceptsNoTokenButItsPlaceholder() {
        try (KubernetesClient stranger = new KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(agent.getConfiguration())
                        .withOauthToken(ShimTestResource.podBoundToken()).build()).build()) {
            assertThatThrownBy(() -> stranger.pods().list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("present the token from");
                    });
        }
    }

    @Test
    void theRealTokenIsReadFreshWhenTheKubeletRotatesIt() throws IOException {
        String original = Files.readString(ShimTestResource.tokenFile);
        try {
            Files.writeString(ShimTestResource.tokenFile, "not-a-valid-token");
            assertThatThrownBy(() -> agent.pods().list())
                    .isInstanceOfSatisfying(KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(401));

            Files.writeString(ShimTestResource.tokenFile, ShimTestResource.podBoundToken());
            assertThat(agent.pods().list().getItems()).isNotEmpty();
        } finally {
            Files.writeString(ShimTestResource.tokenFile, original);
        }
    }

    /**
     * fabric8's in-cluster auto-configuration, reading what the webhook gives an
     * agent container: KUBERNETES_SERVICE_HOST/PORT pointing at the shim and the
     * service-account files written by the shim (paths redirected from
     * /var/run/secrets/... to the test's directory, since that is all a test can change).
     */
    private static KubernetesClient inClusterClientFromTheAgentsView() {
        Map<String, String> properties = Map.of(
                "KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", Integer.toString(ShimTestResource.port),
                Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY,
                ShimTestResource.credentialsDir.resolve("token").toString(),
                Config.KUBERNETES_CA_CERTIFICATE_FILE_SYSTEM_PROPERTY,
                ShimTestResource.credentialsDir.resolve("ca.crt").toString(),
                Config.KUBERNETES_NAMESPACE_FILE, ShimTestResource.credentialsDir.resolve("namespace").toString(),
                Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
        properties.forEach(System::setProperty);
        try {
            return new KubernetesClientBuilder().withConfig(Config.autoConfigure(null)).build();
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }
}
