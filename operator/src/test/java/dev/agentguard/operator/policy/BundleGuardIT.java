package dev.agentguard.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.AgentGuard;
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
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The bundle ConfigMap is the operator's alone: on the real API server, a hand
 * edit or a deletion is put back, and a set of policies too large for one
 * ConfigMap leaves the last bundle that fitted in place, says so on each
 * policy it holds back, and recovers once the policies shrink.
 */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class BundleGuardIT {

    private static final String NS = "bundle-guard-it";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** With 128 rules, about 310 KB of bundle per policy: three fit in a ConfigMap, four do not. */
    private static final String LONG_REASON = "Agents read only the configuration their task names. ".repeat(43);

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
    void theApiServerRefusesExactlyWhatBundleSizeCountsOverTheLimit() {
        // Two-byte characters and a long key: only the values' UTF-8 bytes count.
        Map<String, String> atLimit = Map.of("a-key-that-does-not-count", "é".repeat(524_288));
        Map<String, String> overLimit = Map.of("a-key-that-does-not-count", "é".repeat(524_288) + "x");
        assertThat(BundleSize.of(atLimit)).isEqualTo(new BundleSize(1_048_576, 1_048_576));
        assertThat(BundleSize.of(atLimit).fits()).isTrue();
        assertThat(BundleSize.of(overLimit).fits()).isFalse();

        admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("at-limit")
                .endMetadata().withData(atLimit).build()).create();
        assertThatThrownBy(() -> admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("over-limit").endMetadata().withData(overLimit).build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
        admin.configMaps().inNamespace(NS).withName("at-limit").delete();
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

        // Made immutable, so that no update can undo it: replaced.
        String uid = bundle().getMetadata().getUid();
        admin.configMaps().inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).withName(PolicyBundle.NAME)
                .edit(cm -> new ConfigMapBuilder(cm).withData(other).withImmutable(true).build());
        await().atMost(WAIT).until(() -> {
            ConfigMap now = bundle();
            return now != null && !uid.equals(now.getMetadata().getUid()) && now.getData().equals(published)
                    && !Boolean.TRUE.equals(now.getImmutable());
        });

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

        admin.configMaps().inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).withName(PolicyBundle.NAME).delete();

        await().atMost(WAIT).until(() -> {
            ConfigMap now = bundle();
            return now != null && !now.getMetadata().getUid().equals(published.getMetadata().getUid())
                    && now.getData().equals(published.getData());
        });
    }

    @Test
    void aBundleTooLargeKeepsTheLastOneAndRecoversWhenPoliciesShrink() {
        assertThat(BundleSize.of(PolicyBundle.build(List.of(big("big-1"), big("big-2"), big("big-3"),
                policy("steady", "secrets", 2)), List.of()).data()).fits()).as("three big policies fit").isTrue();
        assertThat(BundleSize.of(PolicyBundle.build(List.of(big("big-1"), big("big-2"), big("big-3"), big("big-4")),
                List.of()).data()).fits()).as("four do not").isFalse();
        create(policy("steady", "secrets", 1));
        for (String name : List.of("big-1", "big-2", "big-3")) {
            create(big(name));
        }
        for (String name : List.of("steady", "big-1", "big-2", "big-3")) {
            awaitReady(name, 1, "True", "Applied");
        }
        Map<String, String> before = bundle().getData();

        create(big("big-4"));
        Condition refused = awaitReady("big-4", 1, "False", "BundleTooLarge");
        assertThat(refused.getMessage()).matches(".*a bundle of \\d+ bytes, over the ConfigMap limit of 1048576 bytes.*")
                .contains("the proxies keep bundle " + before.get(PolicyBundle.VERSION_KEY)
                        + ", which does not have this policy");
        assertThat(bundle().getData()).as("the last bundle that fitted stays").isEqualTo(before);

        // An edit while over the limit waits; the generation in force stays in force.
        apply(policy("steady", "configmaps", 2));
        Condition waiting = awaitReady("steady", 2, "False", "BundleTooLarge");
        assertThat(waiting.getMessage()).contains("which has generation 1 of this policy");
        assertThat(ready("big-1").getStatus()).as("policies in force stay Ready").isEqualTo("True");
        assertThat(bundle().getData()).isEqualTo(before);

        // The bundle that stays is guarded like any other.
        String edited = editBundle(PolicyBundle.build(List.of(), List.of()).data());
        await().atMost(WAIT).until(() -> restored(edited, before));

        // Smaller again: the held back generation is published without any other change.
        admin.resources(AgentPolicy.class).inNamespace(NS).withName("big-4").delete();
        awaitReady("steady", 2, "True", "Applied");
        assertThat(bundle().getData().get(PolicyBundle.VERSION_KEY)).isNotEqualTo(before.get(PolicyBundle.VERSION_KEY));
    }

    private static AgentPolicy policy(String name, String resource, long generation) {
        return agentPolicy(name, List.of(new ApiRule("no-" + resource, Action.Deny, List.of("get", "list", "watch"),
                List.of(""), List.of(resource), null, null, "not for agents")), generation);
    }

    /** A valid policy whose 128 rules (the CRD's most) each carry a long reason. */
    private static AgentPolicy big(String name) {
        return agentPolicy(name, IntStream.range(0, 128).mapToObj(i -> new ApiRule("rule-" + i, Action.Deny,
                List.of("get"), List.of(""), List.of("configmaps"), null, List.of("config-" + i), LONG_REASON))
                .toList(), 1);
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

    private static void apply(AgentPolicy policy) {
        policy.getMetadata().setGeneration(null);
        admin.resources(AgentPolicy.class).resource(policy).forceConflicts().serverSideApply();
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
        return admin.configMaps().inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).withName(PolicyBundle.NAME)
                .edit(cm -> new ConfigMapBuilder(cm).withData(data).build()).getMetadata().getResourceVersion();
    }

    /** Written again after the edit, and back to exactly what it held. */
    private static boolean restored(String editedVersion, Map<String, String> data) {
        ConfigMap now = bundle();
        return now != null && !editedVersion.equals(now.getMetadata().getResourceVersion())
                && data.equals(now.getData());
    }

    private static ConfigMap bundle() {
        return admin.configMaps().inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).withName(PolicyBundle.NAME).get();
    }

    @SuppressWarnings("unchecked")
    private static long entriesFrom(String namespace, ConfigMap bundle) {
        List<Map<String, Object>> entries = Serialization.unmarshal(bundle.getData().get(PolicyBundle.POLICIES_KEY),
                List.class);
        return entries.stream().filter(e -> namespace.equals(e.get("namespace"))).count();
    }
}
