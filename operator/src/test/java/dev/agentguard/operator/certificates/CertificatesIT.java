package dev.agentguard.operator.certificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.pki.Pem;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The operator, as its own ServiceAccount on the real API server, issues the CA and leaves,
 * keeps the webhook caBundle and namespace ConfigMaps current, and rotates with an overlap.
 */
@QuarkusTest
@TestProfile(CertificatesIT.FastRotation.class)
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class CertificatesIT {

    /** Short phases so a rotation completes within the test. */
    public static class FastRotation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "agentguard.operator.certificates.propagation-delay", "2s",
                    "agentguard.operator.certificates.overlap", "4s");
        }
    }

    private static final String NS = "agentguard-system";
    private final KubernetesClient admin = KubeApiServer.shared().admin();

    @Test
    void issuesTrustsRotatesWithOverlap() throws Exception {
        admin.resource(new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("agentguard-webhook")
                .endMetadata().addNewWebhook().withName("inject.agentguard.dev").withAdmissionReviewVersions("v1")
                .withSideEffects("None").withFailurePolicy("Ignore")
                .withNewNamespaceSelector().addToMatchLabels("agentguard.dev/certificates-it", "none").endNamespaceSelector()
                .withNewClientConfig().withUrl("https://127.0.0.1:1/mutate").endClientConfig()
                .addNewRule().withApiGroups("").withApiVersions("v1").withResources("pods")
                .withOperations("CREATE").endRule().endWebhook().build()).serverSideApply();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(secret("agentguard-ca")).isNotNull();
            assertThat(secret("agentguard-ca").getType()).isEqualTo("kubernetes.io/tls");
            assertLeavesVerify();
        });
        X509Certificate firstCa = cert(secret("agentguard-ca"), "tls.crt").get(0);
        assertThat(secret("agentguard-webhook-tls").getType()).isEqualTo("kubernetes.io/tls");
        X509Certificate webhookLeaf = cert(secret("agentguard-webhook-tls"), "tls.crt").get(0);
        assertThat(webhookLeaf.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList())
                .contains((Object) "agentguard-webhook.agentguard-system.svc");

        // The MWC was created after the first reconcile: its creation is seen and its caBundle set.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(caBundle()).isEqualTo(Pem.encode(firstCa)));
        // An apply of the shipped manifest resets the caBundle to empty: set again.
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName("agentguard-webhook").edit(m -> {
            m.getWebhooks().get(0).getClientConfig().setCaBundle("");
            return m;
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(caBundle()).isEqualTo(Pem.encode(firstCa)));

        // A lost leaf Secret is re-issued by the same CA.
        admin.secrets().inNamespace(NS).withName("agentguard-webhook-tls").delete();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(secret("agentguard-webhook-tls")).isNotNull();
            assertThat(cert(secret("agentguard-webhook-tls"), "tls.crt").get(0).getSerialNumber())
                    .isNotEqualTo(webhookLeaf.getSerialNumber());
            assertLeavesVerify();
        });

        // The system namespace keeps the bundle for the recordings clients, though it is not opted in.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ConfigMap cm = admin.configMaps().inNamespace(NS).withName("agentguard-proxy-ca").get();
            assertThat(cm).isNotNull();
            assertThat(cm.getData().get("ca.crt")).isEqualTo(decoded(secret("agentguard-ca"), "ca.crt"));
        });

        // Opt-in namespace gets the bundle; opting out removes it.
        String ns = "certs-it-agents";
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .addToLabels("agentguard.dev/inject", "enabled").endMetadata().build()).serverSideApply();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ConfigMap cm = admin.configMaps().inNamespace(ns).withName("agentguard-proxy-ca").get();
            assertThat(cm).isNotNull();
            assertThat(cm.getData().get("ca.crt")).isEqualTo(decoded(secret("agentguard-ca"), "ca.crt"));
        });
        admin.namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().remove("agentguard.dev/inject");
            return n;
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(admin.configMaps().inNamespace(ns).withName("agentguard-proxy-ca").get()).isNull());
        admin.namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("agentguard.dev/inject", "enabled");
            return n;
        });

        // Forced rotation: NEW+OLD in every bundle first, leaves always verify, then OLD is dropped.
        admin.secrets().inNamespace(NS).withName("agentguard-ca").edit(s -> {
            s.getMetadata().getAnnotations().put(CertificateManager.ROTATE_ANNOTATION, "now");
            return s;
        });
        AtomicReference<X509Certificate> newCa = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertLeavesVerify();
            X509Certificate active = cert(secret("agentguard-ca"), "tls.crt").get(0);
            assertThat(active.getSerialNumber()).isNotEqualTo(firstCa.getSerialNumber());
            List<BigInteger> bundle = serials(Pem.decodeCertificates(caBundle()));
            assertThat(bundle).containsExactlyInAnyOrder(active.getSerialNumber(), firstCa.getSerialNumber());
            newCa.set(active);
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertLeavesVerify();
            assertThat(caBundle()).isEqualTo(Pem.encode(newCa.get()));
            assertThat(admin.configMaps().inNamespace(ns).withName("agentguard-proxy-ca").get().getData()
                    .get("ca.crt")).isEqualTo(Pem.encode(newCa.get()));
            assertThat(admin.configMaps().inNamespace(NS).withName("agentguard-proxy-ca").get().getData()
                    .get("ca.crt")).isEqualTo(Pem.encode(newCa.get()));
            for (String leaf : List.of("agentguard-webhook-tls", "agentguard-proxy-tls")) {
                assertThat(CertificateManager.signedBy(cert(secret(leaf), "tls.crt").get(0), newCa.get())).isTrue();
            }
        });
        assertThat(secret("agentguard-ca").getMetadata().getAnnotations())
                .doesNotContainKey(CertificateManager.ROTATE_ANNOTATION);
        admin.namespaces().withName(ns).delete();
    }

    /** Every leaf chains to the bundle every client holds (the MWC caBundle once set, else the CA Secret's). */
    private void assertLeavesVerify() {
        List<X509Certificate> bundle = Pem.decodeCertificates(decoded(secret("agentguard-ca"), "ca.crt"));
        String mwc = caBundle();
        List<X509Certificate> apiServerTrusts = mwc == null ? bundle : Pem.decodeCertificates(mwc);
        for (String leaf : List.of("agentguard-webhook-tls", "agentguard-proxy-tls")) {
            Secret s = secret(leaf);
            assertThat(s).as(leaf).isNotNull();
            X509Certificate c = cert(s, "tls.crt").get(0);
            assertThat(bundle.stream().anyMatch(ca -> CertificateManager.signedBy(c, ca))).as(leaf).isTrue();
            if (leaf.equals("agentguard-webhook-tls")) {
                assertThat(apiServerTrusts.stream().anyMatch(ca -> CertificateManager.signedBy(c, ca)))
                        .as("the API server trusts the webhook").isTrue();
            }
        }
    }

    private String caBundle() {
        var m = admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName("agentguard-webhook").get();
        String b = m == null ? null : m.getWebhooks().get(0).getClientConfig().getCaBundle();
        return b == null ? null : new String(Base64.getDecoder().decode(b), StandardCharsets.US_ASCII);
    }

    private static List<BigInteger> serials(List<X509Certificate> certs) {
        return certs.stream().map(X509Certificate::getSerialNumber).toList();
    }

    private Secret secret(String name) {
        return admin.secrets().inNamespace(NS).withName(name).get();
    }

    private static List<X509Certificate> cert(Secret s, String key) {
        return Pem.decodeCertificates(decoded(s, key));
    }

    private static String decoded(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.US_ASCII);
    }
}
