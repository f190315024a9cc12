package dev.agentguard.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What agentguard relies on from a real control plane: ServiceAccount admission,
 * pod-bound tokens that TokenReview resolves to the pod, and RBAC. Run against
 * every {@link KubeCluster} implementation.
 */
abstract class ControlPlaneContract {

    static final String SERVICE_ACCOUNT = "agent";
    static final String TOKEN_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

    private final KubeCluster cluster;
    private KubernetesClient admin;
    private String namespace;

    ControlPlaneContract(KubeCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void createNamespaceAndServiceAccount() {
        admin = cluster.admin();
        namespace = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .endMetadata().build()).create();
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName(SERVICE_ACCOUNT).endMetadata().build()).create();
    }

    @AfterEach
    void deleteNamespace() {
        admin.namespaces().withName(namespace).delete();
    }

    @Test
    void serviceAccountAdmissionMountsAProjectedTokenVolume() {
        Pod pod = createPod("token-volume");

        Volume tokenVolume = pod.getSpec().getVolumes().stream()
                .filter(v -> v.getName().startsWith("kube-api-access-"))
                .findFirst().orElseThrow(() -> new AssertionError("no kube-api-access volume in " + pod.getSpec()));
        assertThat(tokenVolume.getProjected().getSources())
                .anySatisfy(source -> assertThat(source.getServiceAccountToken()).isNotNull());
        assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
                .anySatisfy(mount -> {
                    assertThat(mount.getName()).isEqualTo(tokenVolume.getName());
                    assertThat(mount.getMountPath()).isEqualTo(TOKEN_MOUNT);
                    assertThat(mount.getReadOnly()).isTrue();
                });
    }

    @Test
    void podBoundTokenReviewsAsTheServiceAccountWithThePod() {
        Pod pod = createPod("bound-token");
        String token = podBoundToken(pod);

        TokenReview review = review(token);

        assertThat(review.getStatus().getAuthenticated()).isTrue();
        assertThat(review.getStatus().getUser().getUsername())
                .isEqualTo("system:serviceaccount:" + namespace + ":" + SERVICE_ACCOUNT);
        assertThat(review.getStatus().getUser().getExtra())
                .containsEntry("authentication.kubernetes.io/pod-name", java.util.List.of(pod.getMetadata().getName()))
                .containsEntry("authentication.kubernetes.io/pod-uid", java.util.List.of(pod.getMetadata().getUid()));
    }

    @Test
    void podBoundTokenDiesWithThePod() {
        Pod pod = createPod("short-lived");
        String token = podBoundToken(pod);
        assertThat(review(token).getStatus().getAuthenticated()).isTrue();

        admin.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
        admin.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
                .waitUntilCondition(p -> p == null, 30, java.util.concurrent.TimeUnit.SECONDS);

        // The API server caches successful authentications for a few seconds; wait that out.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !Boolean.TRUE.equals(review(token).getStatus().getAuthenticated()));
    }

    @Test
    void rbacDeniesAServiceAccountWithoutARoleAndAllowsOneWithIt() {
        try (KubernetesClient agent = cluster.clientFor(namespace, SERVICE_ACCOUNT)) {
            assertThatThrownBy(() -> agent.secrets().inNamespace(namespace).list())
                    .isInstanceOfSatisfying(KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(403));

            admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
                    .withNewMetadata().withName("read-secrets").endMetadata()
                    .addNewRule().withApiGroups("").withResources("secrets").withVerbs("list").endRule()
                    .build()).create();
            admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                    .withNewMetadata().withName("read-secrets").endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "Role", "read-secrets")
                    .addNewSubject().withKind("ServiceAccount").withName(SERVICE_ACCOUNT)
                    .withNamespace(namespace).endSubject()
                    .build()).create();

            // The RBAC authorizer reads bindings from an informer: wait until it has seen them.
            await().atMost(Duration.ofSeconds(30)).ignoreException(KubernetesClientException.class)
                    .until(() -> agent.secrets().inNamespace(namespace).list().getItems().isEmpty());
        }
    }

    private Pod createPod(String name) {
        return admin.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(name).withLabels(Map.of("app", name)).endMetadata()
                .withNewSpec()
                .withServiceAccountName(SERVICE_ACCOUNT)
                .addNewContainer().withName("agent").withImage("registry.invalid/agent:1").endContainer()
                .endSpec().build()).create();
    }

    private String podBoundToken(Pod pod) {
        var request = new TokenRequestBuilder().withNewSpec()
                .withAudiences(KubeApiServer.SERVICE_ACCOUNT_ISSUER)
                .withExpirationSeconds(3600L)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endBoundObjectRef()
                .endSpec().build();
        return admin.serviceAccounts().inNamespace(namespace).withName(SERVICE_ACCOUNT)
                .tokenRequest(request).getStatus().getToken();
    }

    private TokenReview review(String token) {
        return admin.tokenReviews().create(new TokenReviewBuilder().withNewSpec()
                .withToken(token).endSpec().build());
    }
}
