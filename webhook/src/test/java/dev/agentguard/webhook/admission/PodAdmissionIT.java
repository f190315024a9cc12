package dev.agentguard.webhook.admission;

import static dev.agentguard.webhook.injection.PodLayout.CREDENTIALS_VOLUME;
import static dev.agentguard.webhook.injection.PodLayout.SERVICE_ACCOUNT_DIR;
import static dev.agentguard.webhook.injection.PodLayout.SHIM_CONTAINER;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import dev.agentguard.testing.kube.KubeApiServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The webhook registered by URL with a real kube-apiserver, using the shipped
 * MutatingWebhookConfiguration: pods created through the API come back injected,
 * refused, or untouched.
 */
@QuarkusTest
@QuarkusTestResource(value = WebhookTestResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodAdmissionIT {

    @TestHTTPResource(value = "/health/ready", management = true) // relative to the management root, /q
    java.net.URL health;

    private KubernetesClient admin;
    private String optedIn;
    private String plain;
    private String down;
    private final List<String> webhookConfigurations = List.of("agentguard-webhook", "agentguard-webhook-down",
            "zz-test-add-container");

    @BeforeAll
    void registerWebhooks() throws IOException {
        admin = KubeApiServer.shared().admin();
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        optedIn = namespace("agents-" + suffix, Map.of("agentguard.dev/inject", "enabled"));
        plain = namespace("plain-" + suffix, Map.of());
        down = namespace("down-" + suffix, Map.of("agentguard.dev/inject", "enabled", "agentguard-test/webhook", "down"));

        String caBundle = WebhookTestResource.base64(WebhookTestResource.TLS.caPem());
        MutatingWebhookConfiguration shipped = shippedConfiguration();
        // The shipped configuration, called by URL instead of through the Service; not for the "down" namespace.
        admin.resource(new MutatingWebhookConfigurationBuilder(shipped)
                .editFirstWebhook()
                .withClientConfig(url("https://127.0.0.1:" + WebhookTestResource.port + "/mutate-pods", caBundle))
                .editNamespaceSelector().addNewMatchExpression().withKey("agentguard-test/webhook")
                .withOperator("DoesNotExist").endMatchExpression().endNamespaceSelector()
                .endWebhook().build()).serverSideApply();
        // The same configuration with the webhook unreachable, for the "down" namespace only.
        admin.resource(new MutatingWebhookConfigurationBuilder(shipped)
                .editMetadata().withName("agentguard-webhook-down").endMetadata()
                .editFirstWebhook()
                .withClientConfig(url("https://127.0.0.1:1/mutate-pods", caBundle))
                .editNamespaceSelector().addNewMatchExpression().withKey("agentguard-test/webhook")
                .withOperator("In").withValues("down").endMatchExpression().endNamespaceSelector()
                .endWebhook().build()).serverSideApply();
        // Another mutating webhook that adds a container after agentguard (names sort after it).
        admin.resource(new MutatingWebhookConfigurationBuilder(shipped)
                .editMetadata().withName("zz-test-add-container").endMetadata()
                .editFirstWebhook().withName("add-container.test.agentguard.dev")
                .withClientConfig(url("https://127.0.0.1:" + WebhookTestResource.port + "/test/add-container",
                        caBundle))
                .withReinvocationPolicy("Never")
                .editNamespaceSelector().addNewMatchExpression().withKey("agentguard-test/late-sidecar")
                .withOperator("In").withValues("yes").endMatchExpression().endNamespaceSelector()
                .endWebhook().build()).serverSideApply();
    }

    @AfterAll
    void cleanUp() {
        webhookConfigurations.forEach(name -> admin.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(name).delete());
        Stream.of(optedIn, plain, down).forEach(ns -> admin.namespaces().withName(ns).delete());
    }

    @Test
    void podInAnOptedInNamespaceIsInjected() {
        Pod pod = create(optedIn, agentPod("agent"));

        List<Container> init = pod.getSpec().getInitContainers();
        assertThat(init).isNotEmpty();
        Container shim = init.get(0);
        assertThat(shim.getName()).isEqualTo(SHIM_CONTAINER);
        assertThat(shim.getRestartPolicy()).isEqualTo("Always");
        assertThat(shim.getStartupProbe()).isNotNull();
        assertThat(shim.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(shim.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(shim.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        String tokenVolume = pod.getSpec().getVolumes().stream().map(Volume::getName)
                .filter(n -> n.startsWith("kube-api-access-")).findFirst().orElseThrow();
        assertThat(mountsOf(shim)).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo(tokenVolume);
            assertThat(m.getMountPath()).isEqualTo(SERVICE_ACCOUNT_DIR);
        });
        Stream.concat(init.stream().skip(1), pod.getSpec().getContainers().stream()).forEach(agent -> {
            assertThat(mountsOf(agent)).as(agent.getName()).noneMatch(m -> m.getName().equals(tokenVolume));
            assertThat(mountsOf(agent)).as(agent.getName()).anySatisfy(m -> {
                assertThat(m.getName()).isEqualTo(CREDENTIALS_VOLUME);
                assertThat(m.getMountPath()).isEqualTo(SERVICE_ACCOUNT_DIR);
                assertThat(m.getReadOnly()).isTrue();
            });
            assertThat(envOf(agent)).containsEntry("KUBERNETES_SERVICE_HOST", "127.0.0.1")
                    .containsEntry("KUBERNETES_SERVICE_PORT", "16443")
                    .containsEntry("KUBERNETES_PORT_443_TCP_ADDR", "127.0.0.1");
        });
        assertThat(pod.getMetadata().getAnnotations()).containsKey("agentguard.dev/injected");
    }

    @Test
    void podElsewhereIsUntouched() {
        Pod pod = create(plain, agentPod("agent"));

        assertThat(pod.getSpec().getInitContainers()).extracting(Container::getName).containsExactly("setup");
        assertThat(pod.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(mountsOf(pod.getSpec().getContainers().get(0)))
                .anySatisfy(m -> assertThat(m.getName()).startsWith("kube-api-access-"));
    }

    @Test
    void anAlreadyInjectedPodIsNotInjectedTwice() {
        Pod first = create(optedIn, agentPod("first"));
        Pod copy = new PodBuilder(first).editMetadata().withName("copy").withUid(null).withResourceVersion(null)
                .withCreationTimestamp(null).withManagedFields().endMetadata().withStatus(null).build();

        Pod second = create(optedIn, copy);

        assertThat(second.getSpec().getInitContainers()).filteredOn(c -> c.getName().equals(SHIM_CONTAINER))
                .hasSize(1);
        assertThat(second.getSpec().getVolumes()).filteredOn(v -> v.getName().equals(CREDENTIALS_VOLUME))
                .hasSize(1);
        assertThat(envOf(second.getSpec().getContainers().get(0))).containsEntry("KUBERNETES_SERVICE_HOST",
                "127.0.0.1");
    }

    @Test
    void reinvocationRewritesContainersAddedByLaterWebhooksWithoutDoubleInjection() {
        String ns = namespace("late-" + UUID.randomUUID().toString().substring(0, 6),
                Map.of("agentguard.dev/inject", "enabled", "agentguard-test/late-sidecar", "yes"));
        try {
            Pod pod = create(ns, agentPod("agent"));

            Container late = pod.getSpec().getContainers().stream()
                    .filter(c -> c.getName().equals(AddContainerWebhook.LATE_CONTAINER)).findFirst().orElseThrow();
            assertThat(envOf(late)).containsEntry("KUBERNETES_SERVICE_HOST", "127.0.0.1");
            assertThat(mountsOf(late)).anySatisfy(m -> assertThat(m.getName()).isEqualTo(CREDENTIALS_VOLUME));
            assertThat(pod.getSpec().getInitContainers()).filteredOn(c -> c.getName().equals(SHIM_CONTAINER))
                    .hasSize(1);
        } finally {
            admin.namespaces().withName(ns).delete();
        }
    }

    @Test
    void shareProcessNamespaceIsRefused() {
        assertRefused(p -> new PodBuilder(p).editSpec().withShareProcessNamespace(true).endSpec().build(),
                "spec.shareProcessNamespace: true");
    }

    @Test
    void hostNetworkIsRefused() {
        assertRefused(p -> new PodBuilder(p).editSpec().withHostNetwork(true).endSpec().build(),
                "spec.hostNetwork: true");
    }

    @Test
    void hostPidIsRefused() {
        assertRefused(p -> new PodBuilder(p).editSpec().withHostPID(true).endSpec().build(), "spec.hostPID: true");
    }

    @Test
    void privilegedContainerIsRefused() {
        assertRefused(p -> new PodBuilder(p).editSpec().editFirstContainer().withNewSecurityContext()
                .withPrivileged(true).endSecurityContext().endContainer().endSpec().build(),
                "container agent is privileged");
    }

    @Test
    void serviceAccountTokenSecretIsRefusedAsVolumeAndAsEnv() {
        admin.secrets().inNamespace(optedIn).resource(new SecretBuilder().withNewMetadata().withName("stolen")
                .addToAnnotations("kubernetes.io/service-account.name", "agent").endMetadata()
                .withType("kubernetes.io/service-account-token").build()).create();

        assertRefused(p -> new PodBuilder(p).editSpec().addNewVolume().withName("creds").withNewSecret()
                .withSecretName("stolen").endSecret().endVolume().endSpec().build(),
                "volume creds uses Secret stolen of type kubernetes.io/service-account-token");
        assertRefused(p -> new PodBuilder(p).editSpec().editFirstContainer().addNewEnv().withName("TOKEN")
                .withNewValueFrom().withNewSecretKeyRef("token", "stolen", false).endValueFrom().endEnv()
                .endContainer().endSpec().build(),
                "env TOKEN of container agent uses Secret stolen");
    }

    @Test
    void anOrdinarySecretIsAllowed() {
        admin.secrets().inNamespace(optedIn).resource(new SecretBuilder().withNewMetadata().withName("app-config")
                .endMetadata().addToStringData("key", "value").build()).create();

        Pod pod = create(optedIn, new PodBuilder(agentPod("with-secret")).editSpec().addNewVolume()
                .withName("config").withNewSecret().withSecretName("app-config").endSecret().endVolume()
                .endSpec().build());

        assertThat(pod.getSpec().getInitContainers().get(0).getName()).isEqualTo(SHIM_CONTAINER);
    }

    @Test
    void ownProjectedServiceAccountTokenIsRefused() {
        assertRefused(p -> new PodBuilder(p).editSpec().addNewVolume().withName("my-token").withNewProjected()
                .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3600L)
                .endServiceAccountToken().endSource().endProjected().endVolume().endSpec().build(),
                "volume my-token projects a service-account token of its own");
    }

    @Test
    void hostPathIntoKubeletStateIsRefused() {
        assertRefused(p -> new PodBuilder(p).editSpec().addNewVolume().withName("kubelet").withNewHostPath()
                .withPath("/var/lib/kubelet/pods").endHostPath().endVolume().endSpec().build(),
                "volume kubelet mounts host path /var/lib/kubelet/pods");
        assertRefused(p -> new PodBuilder(p).editSpec().addNewVolume().withName("root").withNewHostPath()
                .withPath("/").endHostPath().endVolume().endSpec().build(),
                "volume root mounts host path /");
    }

    @Test
    void optOutAnnotationIsRefused() {
        assertRefused(p -> new PodBuilder(p).editMetadata().addToAnnotations("agentguard.dev/inject", "disabled")
                .endMetadata().build(),
                "annotation agentguard.dev/inject cannot opt a pod out of agentguard");
    }

    @Test
    void podCreationFailsWhileTheWebhookIsUnreachable() {
        assertThatThrownBy(() -> create(down, agentPod("agent")))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(500);
                    assertThat(e.getMessage()).contains("failed calling webhook", "inject.agentguard.dev");
                });
        assertThat(admin.pods().inNamespace(down).list().getItems()).isEmpty();
    }

    @Test
    void malformedReviewsGetAClearBadRequest() {
        String url = "https://127.0.0.1:" + WebhookTestResource.port + "/mutate-pods";
        given().relaxedHTTPSValidation().contentType("application/json").body("{not json")
                .post(url).then().statusCode(400)
                .body("kind", equalTo("Status"))
                .body("message", containsString("the body is not a valid AdmissionReview"));
        given().relaxedHTTPSValidation().contentType("application/json")
                .body("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}")
                .post(url).then().statusCode(400)
                .body("message", equalTo("the AdmissionReview has no request or no request.uid"));
        given().relaxedHTTPSValidation().contentType("application/json")
                .body("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}")
                .post(url).then().statusCode(400)
                .body("message", containsString("expected kind AdmissionReview"));
    }

    @Test
    void aReviewForSomethingOtherThanPodCreateIsRefusedWithTheReason() {
        String review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",
                 "kind":{"group":"apps","version":"v1","kind":"Deployment"},
                 "resource":{"group":"apps","version":"v1","resource":"deployments"},
                 "operation":"CREATE","namespace":"x","object":{"apiVersion":"apps/v1","kind":"Deployment"}}}
                """;
        given().relaxedHTTPSValidation().contentType("application/json").body(review)
                .post("https://127.0.0.1:" + WebhookTestResource.port + "/mutate-pods").then().statusCode(200)
                .body("response.uid", equalTo("u-1"))
                .body("response.allowed", equalTo(false))
                .body("response.status.message", containsString("handles Pod CREATE only, got apps/v1 Deployment"));
    }

    @Test
    void healthIsServedOnTheManagementPort() {
        given().get(health).then().log().ifValidationFails().statusCode(200).body("status", equalTo("UP"));
    }

    private void assertRefused(UnaryOperator<Pod> shape, String message) {
        String name = "bypass-" + UUID.randomUUID().toString().substring(0, 6);
        assertThatThrownBy(() -> create(optedIn, shape.apply(agentPod(name))))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("agentguard refused pod " + name, message,
                            "Only a cluster admin can exempt");
                });
        assertThat(admin.pods().inNamespace(optedIn).withName(name).get()).isNull();
    }

    private Pod create(String namespace, Pod pod) {
        return admin.pods().inNamespace(namespace).resource(pod).create();
    }

    private Pod agentPod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withServiceAccountName("agent")
                .addNewInitContainer().withName("setup").withImage("registry.invalid/setup:1").endInitContainer()
                .addNewContainer().withName("agent").withImage("registry.invalid/agent:1")
                .addNewEnv().withName("KUBERNETES_SERVICE_HOST").withValue("10.96.0.1").endEnv()
                .endContainer()
                .endSpec().build();
    }

    private String namespace(String name, Map<String, String> labels) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().build()).create();
        admin.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("agent").endMetadata().build()).create();
        return name;
    }

    private static MutatingWebhookConfiguration shippedConfiguration() throws IOException {
        try (InputStream in = Files.newInputStream(
                dev.agentguard.testing.kube.RepoFiles.find("manifests/webhook/mutatingwebhookconfiguration.yaml"))) {
            return KubeApiServer.shared().admin().getKubernetesSerialization()
                    .unmarshal(in, MutatingWebhookConfiguration.class);
        }
    }

    private static io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig url(String url,
            String caBundle) {
        return new WebhookClientConfigBuilder().withUrl(url).withCaBundle(caBundle).build();
    }

    private static List<VolumeMount> mountsOf(Container container) {
        return container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
    }

    private static Map<String, String> envOf(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
    }
}
