package dev.agentguard.operator.certificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.pki.Pem;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.apps.ShimProcess;
import dev.agentguard.testing.apps.WebhookProcess;
import dev.agentguard.testing.kube.HostEndpoint;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.MountedVolume;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.ServedCertificate;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A CA rotation under traffic, with every part real: the operator rotates; the packaged
 * webhook and proxy serve the operator's Secrets from kubelet-style mounted files; the API
 * server calls the webhook through its Service (resolved to its EndpointSlice) with the
 * caBundle the operator keeps; a long-running shim trusts the namespace's
 * agentguard-proxy-ca ConfigMap and verifies the proxy by its Service name.
 *
 * <p>Through every phase (bundle NEW+OLD with OLD leaves, NEW+OLD with NEW leaves, NEW only)
 * each pod creation must be admitted and injected, and each agent request and exec through
 * the shim must succeed. Each phase must see traffic, or the test says which it missed.
 */
@QuarkusTest
@TestProfile(RotationUnderTrafficIT.Phases.class)
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class RotationUnderTrafficIT {

    /** Seconds instead of the default minutes; every server and the shim reload every second here. */
    public static class Phases implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "agentguard.operator.certificates.propagation-delay", "4s",
                    "agentguard.operator.certificates.overlap", "6s");
        }
    }

    private enum Phase {
        /** The bundle holds NEW and OLD; the servers still present OLD-issued leaves. */
        NEW_TRUSTED,
        /** The servers present NEW-issued leaves; OLD is still trusted. */
        NEW_SERVED,
        /** OLD is gone from every bundle. */
        OLD_DROPPED
    }

    private static final String SYSTEM = "agentguard-system";
    private static final String NS = "rotation-agents";
    private static final String WEBHOOK = "agentguard-webhook";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KubeApiServer cluster = KubeApiServer.shared();
    private final KubernetesClient admin = cluster.admin();

    @AfterEach
    void removeFailClosedWebhook() {
        // failurePolicy Fail with nothing behind it would refuse pods in every other test's opted-in namespace.
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOK).delete();
        admin.namespaces().withName(NS).delete();
        // The control plane outlives this test: leave the Service to whoever applies the shipped one.
        admin.services().inNamespace(SYSTEM).withName(WEBHOOK).delete();
        admin.discovery().v1().endpointSlices().inNamespace(SYSTEM).withName(WEBHOOK + "-test").delete();
    }

    @Test
    void admissionAndAgentTrafficContinueThroughRotation() throws Exception {
        Path work = Files.createTempDirectory("rotation-it");
        await().atMost(WAIT).until(() -> secret("agentguard-webhook-tls") && secret("agentguard-proxy-tls"));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("agentguard.dev/inject", "enabled").endMetadata().build()).serverSideApply();
        await().atMost(WAIT).until(() -> admin.configMaps().inNamespace(NS).withName("agentguard-proxy-ca").get() != null);

        try (MountedVolume webhookTls = MountedVolume.secret(admin, SYSTEM, "agentguard-webhook-tls",
                work.resolve("webhook-tls"));
                MountedVolume proxyTls = MountedVolume.secret(admin, SYSTEM, "agentguard-proxy-tls",
                        work.resolve("proxy-tls"));
                MountedVolume proxyCa = MountedVolume.configMap(admin, NS, "agentguard-proxy-ca",
                        work.resolve("proxy-ca"))) {
            await().atMost(WAIT).until(() -> Files.exists(webhookTls.path("tls.key"))
                    && Files.exists(proxyTls.path("tls.key")) && Files.exists(proxyCa.path("ca.crt")));

            try (WebhookProcess webhook = WebhookProcess.start(cluster, webhookTls.path("tls.crt"),
                    webhookTls.path("tls.key"), Map.of("AGENTGUARD_WEBHOOK_TLS_RELOAD_PERIOD", "1s"));
                    ProxyProcess proxy = ProxyProcess.start(cluster, KubeApiServer.KWOK_NODE,
                            proxyTls.path("tls.crt"), proxyTls.path("tls.key"), null,
                            Map.of("AGENTGUARD_PROXY_TLS_RELOAD_PERIOD", "1s"), List.of())) {
                exposeThroughService(webhook.port());
                installShippedWebhookConfiguration();
                // The operator sees the configuration appear with an empty caBundle and fills it in.
                await().atMost(WAIT).until(() -> caBundle() != null && !caBundle().isEmpty());
                proxy.awaitReady(WAIT);

                Pod agent = agentPod();
                try (ShimProcess shim = ShimProcess.start("https://127.0.0.1:" + proxy.port(),
                        proxyCa.path("ca.crt"), boundToken(agent), NS,
                        Map.of("AGENTGUARD_SHIM_UPSTREAM_SERVER_NAME", "agentguard-proxy.agentguard-system.svc",
                                "AGENTGUARD_SHIM_UPSTREAM_CA_RELOAD_PERIOD", "1s"),
                        List.of())) {
                    await().atMost(WAIT).untilAsserted(() -> assertThat(agentGet(shim)).isEqualTo(200));
                    X509Certificate oldCa = activeCa();

                    admin.secrets().inNamespace(SYSTEM).withName("agentguard-ca").edit(s -> {
                        s.getMetadata().getAnnotations().put(CertificateManager.ROTATE_ANNOTATION, "now");
                        return s;
                    });
                    await().atMost(WAIT).until(() -> !activeCa().getSerialNumber().equals(oldCa.getSerialNumber()));
                    X509Certificate newCa = activeCa();

                    Set<Phase> seen = EnumSet.noneOf(Phase.class);
                    int round = 0;
                    while (!seen.contains(Phase.OLD_DROPPED)) {
                        assertThat(round++).as("rounds before OLD was dropped everywhere; phases seen " + seen)
                                .isLessThan(1000);
                        Phase before = phase(webhook, proxy, newCa);
                        String name = "admitted-" + round;
                        // Every round: the API server calls the webhook, the agent calls the API and execs.
                        Pod admitted = admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata()
                                .withName(name).endMetadata().withNewSpec().addNewContainer().withName("app")
                                .withImage("registry.invalid/app:1").endContainer().endSpec().build()).create();
                        assertThat(admitted.getSpec().getInitContainers()).as("pod %s admitted in %s", name, before)
                                .anyMatch(c -> c.getName().equals("agentguard-shim"));
                        assertThat(agentGet(shim)).as("agent GET in %s", before).isEqualTo(200);
                        var exec = cluster.kubectlWith(shim.agentKubeconfig(), null, "exec", "agent", "-n", NS,
                                "-c", "agent", "--", "echo", "round-" + round);
                        assertThat(exec.stdout()).as("agent exec in %s: %s", before, exec.stderr())
                                .isEqualTo("round-" + round + "\n");
                        admin.pods().inNamespace(NS).withName(name).delete();
                        // A phase counts only if it held for the whole round.
                        if (phase(webhook, proxy, newCa) == before) {
                            seen.add(before);
                        }
                    }
                    assertThat(seen).as("every phase of the rotation saw admission and agent traffic")
                            .containsExactlyInAnyOrder(Phase.values());
                    assertThat(Pem.decodeCertificates(caBundle())).extracting(X509Certificate::getSerialNumber)
                            .containsExactly(newCa.getSerialNumber());
                }
            }
        }
    }

    /** Where the rotation stands, from what clients are told to trust and what servers present. */
    private Phase phase(WebhookProcess webhook, ProxyProcess proxy, X509Certificate newCa) throws Exception {
        List<X509Certificate> apiServerTrusts = Pem.decodeCertificates(caBundle());
        List<X509Certificate> shimTrusts = Pem.decodeCertificates(
                admin.configMaps().inNamespace(NS).withName("agentguard-proxy-ca").get().getData().get("ca.crt"));
        boolean newServed = CertificateManager.signedBy(ServedCertificate.at(webhook.port()), newCa)
                && CertificateManager.signedBy(ServedCertificate.at(proxy.port()), newCa);
        if (apiServerTrusts.size() == 1 && shimTrusts.size() == 1 && newServed) {
            return Phase.OLD_DROPPED;
        }
        return newServed ? Phase.NEW_SERVED : Phase.NEW_TRUSTED;
    }

    /**
     * The webhook's Service, as the chart creates it, resolved to this host (the API server
     * connects there and verifies agentguard-webhook.agentguard-system.svc, the name the
     * operator's leaf carries).
     */
    private void exposeThroughService(int port) {
        admin.services().inNamespace(SYSTEM).resource(new ServiceBuilder().withNewMetadata().withName(WEBHOOK)
                .endMetadata().withNewSpec().addNewPort().withName("https").withPort(443)
                .withNewTargetPort(port).endPort().endSpec().build()).serverSideApply();
        HostEndpoint.expose(admin, SYSTEM, WEBHOOK, WEBHOOK + "-test", "https", port);
    }

    private void installShippedWebhookConfiguration() {
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOK).delete();
        await().atMost(WAIT).until(() -> admin.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(WEBHOOK).get() == null);
        var result = cluster.kubectl(null, "apply", "--server-side", "-f",
                RepoFiles.find("manifests/webhook/mutatingwebhookconfiguration.yaml").toString());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    /** The agent pod on kwok's node, where exec runs locally; created through the webhook like any other. */
    private Pod agentPod() {
        admin.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("agent").endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(NS).resource(new RoleBuilder().withNewMetadata().withName("agent")
                .endMetadata().addNewRule().withApiGroups("").withResources("pods").withVerbs("get").endRule()
                .addNewRule().withApiGroups("").withResources("pods/exec").withVerbs("create", "get").endRule()
                .build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(NS).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("agent").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent")
                .addNewSubject().withKind("ServiceAccount").withName("agent").withNamespace(NS).endSubject()
                .build()).serverSideApply();
        admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("agent").endMetadata()
                .withNewSpec().withServiceAccountName("agent").withNodeName(KubeApiServer.KWOK_NODE)
                .addNewContainer().withName("agent").withImage("registry.invalid/agent:1").endContainer()
                .endSpec().build()).create();
        await().atMost(WAIT).until(() -> "Running".equals(
                admin.pods().inNamespace(NS).withName("agent").get().getStatus().getPhase()));
        return admin.pods().inNamespace(NS).withName("agent").get();
    }

    private String boundToken(Pod pod) {
        return admin.serviceAccounts().inNamespace(NS).withName("agent").tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(3600L).withNewBoundObjectRef().withApiVersion("v1")
                .withKind("Pod").withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                .endBoundObjectRef().endSpec().build()).getStatus().getToken();
    }

    /** The agent's GET of its own pod, through the shim, as its in-cluster client makes it. */
    private static int agentGet(ShimProcess shim) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (var in = Files.newInputStream(shim.agentCaFile())) {
            store.setCertificateEntry("shim", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + shim.port()
                + "/api/v1/namespaces/" + NS + "/pods/agent"))
                .header("Authorization", "Bearer " + shim.placeholderToken()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private X509Certificate activeCa() {
        var s = admin.secrets().inNamespace(SYSTEM).withName("agentguard-ca").get();
        return Pem.decodeCertificates(new String(Base64.getDecoder().decode(s.getData().get("tls.crt")),
                StandardCharsets.US_ASCII)).get(0);
    }

    private boolean secret(String name) {
        return admin.secrets().inNamespace(SYSTEM).withName(name).get() != null;
    }

    private String caBundle() {
        var m = admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOK).get();
        String b = m == null ? null : m.getWebhooks().get(0).getClientConfig().getCaBundle();
        return b == null ? null : new String(Base64.getDecoder().decode(b), StandardCharsets.US_ASCII);
    }
}
