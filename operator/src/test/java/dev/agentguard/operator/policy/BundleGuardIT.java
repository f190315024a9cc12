package dev.agentguard.operator.policy;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ApiRule;
import dev.agentguard.api.v1alpha1.PolicySpec;
import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The bundle ConfigMap is the operator's alone: on the real API server, a hand
 * edit or a deletion is put back.
 */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class BundleGuardIT {

    private static final String NS = "bundle-guard-it";
    private static final Duration WAIT = Duration.ofSeconds(60);

    static KubernetesClient admin;

    @BeforeAll
    static void namespace() {
        admin = KubeApiServer.shared().admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .serverSideApply();
    }

    @AfterEach
    void removePolicies() {
        admin.resources(AgentPolicy.class).inNamespace(NS).delete();
        // The next test, and the next test class, start from a bundle without them.
        await().atMost(WAIT).until(() -> bundle() != null && entriesFrom(NS, bundle()) == 0);
    }

    @Test
    void aHandEditedBundleIsRestored() {
        create(policy("steady", "secrets", 1));
        awaitReady("steady", 1, "True", "Applied");
        Map<String, String> published = bundle().getData();
        // A valid bundle, version and content matching, of policies nobody wrote; and a key of its own.
        Map<String, String> other = new HashMap<>(PolicyBundle.build(List.of(policy("intruder", "pods", 1)), List.of())
                .data());
        other.put("extra", "1");

        String edited = editBundle(other);
        await().atMost(WAIT).until(() -> restored(edited, published));

        // The version key copied from the real bundle, the content of another.
        String copied = editBundle(Map.of(PolicyBundle.VERSION_KEY, published.get(PolicyBundle.VERSION_KEY),
                PolicyBundle.POLICIES_KEY, other.get(PolicyBundle.POLICIES_KEY)));
        await().atMost(WAIT).until(() -> restored(copied, published));

        // The event of its own write makes no second write.
        String after = bundle().getMetadata().getResourceVersion();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> after.equals(bundle().getMetadata().getResourceVersion()));
    }

    @Test
    void aDeletedBundleIsRecreated() {
        create(policy("steady", "secrets", 1));
        awaitReady("steady", 1, "True", "Applied");
        ConfigMap published = bundle();

        admin.configMaps().inNamespace(PolicyBundle.NAMESPACE).withName(PolicyBundle.NAME).delete();

        await().atMost(WAIT).until(() -> {
            ConfigMap now = bundle();
            return now != null && !now.getMetadata().getUid().equals(published.getMetadata().getUid())
                    && now.getData().equals(published.getData());
        });
    }

    private static AgentPolicy policy(String name, String resource, long generation) {
        return agentPolicy(name, List.of(new ApiRule("no-" + resource, Action.Deny, List.of("get", "list", "watch"),
                List.of(""), List.of(resource), null, null, "not for agents")), generation);
    }

    private static AgentPolicy agentPolicy(String name, List<ApiRule> rules, long generation) {
        AgentPolicy policy = new AgentPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).withGeneration(generation)
                .build());
        PolicySpec spec = new PolicySpec();
        spec.setRules(rules);
        policy.setSpec(spec);
        return policy;
    }

    private static void create(AgentPolicy policy) {
        policy.getMetadata().setGeneration(null);
        admin.resources(AgentPolicy.class).resource(policy).create();
    }

    /** Waits for the Ready condition of this generation with this status and reason, and returns it. */
    private static Condition awaitReady(String name, long generation, String status, String reason) {
        return await().atMost(WAIT).until(() -> {
            AgentPolicy policy = admin.resources(AgentPolicy.class).inNamespace(NS).withName(name).get();
            return policy == null || policy.getStatus() == null
                    || !Long.valueOf(generation).equals(policy.getStatus().getObservedGeneration()) ? null
                    : ready(name);
        }, c -> c != null && status.equals(c.getStatus()) && reason.equals(c.getReason()));
    }

    private static Condition ready(String name) {
        AgentPolicy policy = admin.resources(AgentPolicy.class).inNamespace(NS).withName(name).get();
        if (policy == null || policy.getStatus() == null || policy.getStatus().getConditions() == null) {
            return null;
        }
        return policy.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElse(null);
    }

    /** Replaces the bundle's data by hand, as an admin would; returns the resourceVersion of the edit. */
    private static String editBundle(Map<String, String> data) {
        return admin.configMaps().inNamespace(PolicyBundle.NAMESPACE).withName(PolicyBundle.NAME)
                .edit(cm -> new ConfigMapBuilder(cm).withData(data).build()).getMetadata().getResourceVersion();
    }

    /** Written again after the edit, and back to exactly what it held. */
    private static boolean restored(String editedVersion, Map<String, String> data) {
        ConfigMap now = bundle();
        return now != null && !editedVersion.equals(now.getMetadata().getResourceVersion())
                && data.equals(now.getData());
    }

    private static ConfigMap bundle() {
        return admin.configMaps().inNamespace(PolicyBundle.NAMESPACE).withName(PolicyBundle.NAME).get();
    }

    @SuppressWarnings("unchecked")
    private static long entriesFrom(String namespace, ConfigMap bundle) {
        List<Map<String, Object>> entries = Serialization.unmarshal(bundle.getData().get(PolicyBundle.POLICIES_KEY),
                List.class);
        return entries.stream().filter(e -> namespace.equals(e.get("namespace"))).count();
    }
}
