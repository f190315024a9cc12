package dev.agentguard.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.PolicyStatus;
import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Policies into proxies, end to end on the real API server: the operator under
 * test publishes the bundle and the real packaged proxy, in its own process,
 * loads it and reports its version on its Lease, which the operator counts
 * into each policy's status.
 */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class PolicyReconcileIT {

    private static final String NODE = "node-policy-it";
    private static final String NS = "policy-it";
    private static final Duration WAIT = Duration.ofSeconds(60);

    static KubernetesClient admin;
    static ProxyProcess proxy;
    static String agentToken;

    @BeforeAll
    static void startProxy() throws Exception {
        KubeApiServer cluster = KubeApiServer.shared();
        admin = cluster.admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("agentguard.dev/inject", "enabled").endMetadata().build()).serverSideApply();
        agentToken = agentToken();
        proxy = ProxyProcess.start(cluster, NODE);
        // Ready only once the operator's first bundle is in force.
        proxy.awaitReady(WAIT);
    }

    @AfterAll
    static void stopProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void policyLifecycleReachesTheProxy() throws Exception {
        assertThat(throughProxy("secrets")).as("no policy yet: allowed (and not found)").isEqualTo(404);
        apply(policy("deny-secrets", "secrets", null));
        assertThat(ready(awaitStatus("deny-secrets", 1L, "Applied", "1/1")).getStatus()).isEqualTo("True");
        String first = bundleVersion();
        assertThat(bundleGeneration("deny-secrets")).isEqualTo(1L);
        await().atMost(WAIT).until(() -> first.equals(proxyVersion()));
        // Enforced: once the proxy reports the version, the agent's request is refused.
        assertThat(throughProxy("secrets")).isEqualTo(403);

        // An edit: a new generation, a new bundle, and the proxy catches up.
        apply(policy("deny-secrets", "configmaps", null));
        awaitStatus("deny-secrets", 2L, "Applied", "1/1");
        String second = bundleVersion();
        assertThat(second).isNotEqualTo(first);
        assertThat(bundleGeneration("deny-secrets")).isEqualTo(2L);
        await().atMost(WAIT).until(() -> second.equals(proxyVersion()));
        assertThat(throughProxy("configmaps")).isEqualTo(403);
        assertThat(throughProxy("secrets")).isEqualTo(404);

        // Invalid: the schema accepts it, compiling rejects it; it stays out and the valid one stays in.
        apply(policy("bad-selector", "pods", "Near"));
        // Pending (also Ready=False) comes first while the bundle catches up: wait for the reason.
        PolicyStatus invalid = awaitStatus("bad-selector", 1L, "Invalid", null);
        assertThat(ready(invalid).getStatus()).isEqualTo("False");
        assertThat(ready(invalid).getMessage()).contains("unknown operator 'Near'");
        await().atMost(WAIT).until(() -> bundleGeneration("bad-selector") == null
                && Long.valueOf(2L).equals(bundleGeneration("deny-secrets")));

        // Deleted: out of the bundle, and the proxy runs the bundle without it.
        admin.resources(AgentPolicy.class).inNamespace(NS).withName("deny-secrets").delete();
        await().atMost(WAIT).until(() -> bundleGeneration("deny-secrets") == null);
        String third = bundleVersion();
        await().atMost(WAIT).until(() -> third.equals(proxyVersion()));
        assertThat(throughProxy("configmaps")).isEqualTo(404);
        admin.resources(AgentPolicy.class).inNamespace(NS).withName("bad-selector").delete();
    }

    /** An agent pod on the proxy's node and its pod-bound token, as the shim would forward it. */
    private static String agentToken() {
        admin.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(NODE)
                .endMetadata().build()).serverSideApply();
        admin.serviceAccounts().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("agent").endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
                .withNewMetadata().withName("agent").endMetadata().addNewRule().withApiGroups("")
                .withResources("secrets", "configmaps").withVerbs("get").endRule().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                .withNewMetadata().withName("agent").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent").addNewSubject()
                .withKind("ServiceAccount").withName("agent").withNamespace(NS).endSubject().build())
                .serverSideApply();
        var pod = admin.pods().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("agent").withLabels(Map.of("app", "agent")).endMetadata()
                .withNewSpec().withServiceAccountName("agent").withNodeName(NODE).addNewContainer().withName("agent")
                .withImage("registry.invalid/agent:1").endContainer().endSpec().build()).serverSideApply();
        return admin.serviceAccounts().inNamespace(NS).withName("agent").tokenRequest(
                new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec()
                        .withExpirationSeconds(3600L).withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                        .withName("agent").withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec().build())
                .getStatus().getToken();
    }

    /** The status of the agent's GET of a (missing) object of this resource, through the proxy. */
    private static int throughProxy(String resource) throws Exception {
        var certificate = java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(java.nio.file.Files.newInputStream(proxy.caFile()));
        var store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", certificate);
        var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        var tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        var http = java.net.http.HttpClient.newBuilder().sslContext(tls)
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + proxy.port()
                + "/api/v1/namespaces/" + NS + "/" + resource + "/missing"))
                .header("Authorization", "Bearer " + agentToken).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String policy(String name, String resource, String badOperator) {
        String selector = badOperator == null ? "" : """
                  agentSelector:
                    podSelector:
                      matchExpressions:
                        - key: app
                          operator: %s
                          values: [x]
                """.formatted(badOperator);
        return """
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  mode: Enforce
                %s  rules:
                    - name: no-%s
                      action: Deny
                      verbs: [get, list, watch]
                      apiGroups: [""]
                      resources: [%s]
                      reason: not for agents
                """.formatted(name, NS, selector, resource, resource);
    }

    private static void apply(String yaml) {
        admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).forceConflicts().serverSideApply();
    }

    /** The policy's status once it observed this generation with this Ready reason (and proxy count). */
    private static PolicyStatus awaitStatus(String name, Long generation, String reason, String proxies) {
        return await().atMost(WAIT).until(() -> {
            AgentPolicy policy = admin.resources(AgentPolicy.class).inNamespace(NS).withName(name).get();
            return policy == null ? null : policy.getStatus();
        }, status -> status != null && generation.equals(status.getObservedGeneration())
                && ready(status) != null && reason.equals(ready(status).getReason())
                && (proxies == null || proxies.equals(status.getProxies())));
    }

    private static Condition ready(PolicyStatus status) {
        return status.getConditions() == null ? null
                : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    }

    private static ConfigMap bundle() {
        return admin.configMaps().inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).withName(PolicyBundle.NAME).get();
    }

    private static String bundleVersion() {
        return bundle().getData().get(PolicyBundle.VERSION_KEY);
    }

    /** The generation of AgentPolicy policy-it/name in the published bundle, or null if it is not in it. */
    @SuppressWarnings("unchecked")
    private static Long bundleGeneration(String name) {
        var entries = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                bundle().getData().get(PolicyBundle.POLICIES_KEY), java.util.List.class);
        for (Object entry : entries) {
            Map<String, Object> e = (Map<String, Object>) entry;
            if ("AgentPolicy".equals(e.get("kind")) && NS.equals(e.get("namespace")) && name.equals(e.get("name"))) {
                return ((Number) e.get("generation")).longValue();
            }
        }
        return null;
    }

    private static String proxyVersion() {
        Lease lease = admin.resources(Lease.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withName(PolicyBundle.LEASE_PREFIX + NODE).get();
        return lease == null || lease.getMetadata().getAnnotations() == null ? null
                : lease.getMetadata().getAnnotations().get(PolicyBundle.LEASE_ANNOTATION);
    }
}
