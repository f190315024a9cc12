package dev.agentguard.api.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ApiRule;
import dev.agentguard.api.v1alpha1.PolicySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class PolicyBundleTest {

    @Test
    void readGivesBackWhatBuildWrote() {
        PolicyBundle.Built built = PolicyBundle.build(List.of(policy("a", 3L), policy("b", 7L)), List.of());

        PolicyBundle.Built read = PolicyBundle.read(built.data());

        assertThat(read.version()).isEqualTo(built.version());
        assertThat(read.generationOf("AgentPolicy/team/a")).isEqualTo(3L);
        assertThat(read.generationOf("AgentPolicy/team/b")).isEqualTo(7L);
        assertThat(read.data()).isEqualTo(built.data());
    }

    @Test
    void readRefusesContentThatDoesNotMatchItsVersion() {
        PolicyBundle.Built built = PolicyBundle.build(List.of(policy("a", 3L)), List.of());
        Map<String, String> edited = new HashMap<>(built.data());
        // A hand edit that keeps the version key: generation 3 becomes 4.
        edited.put(PolicyBundle.POLICIES_KEY, edited.get(PolicyBundle.POLICIES_KEY)
                .replace("\"generation\":3", "\"generation\":4"));
        assertThat(edited).isNotEqualTo(built.data());

        assertThatThrownBy(() -> PolicyBundle.read(edited)).isInstanceOf(PolicyCompileException.class)
                .hasMessageContaining("does not match its content");
        // A proxy (starting, or seeing a new version key) refuses it the same way.
        assertThatThrownBy(() -> PolicyBundle.parse(edited)).isInstanceOf(PolicyCompileException.class)
                .hasMessageContaining("does not match its content");
        assertThat(PolicyBundle.parse(built.data())).hasSize(1);
    }

    @Test
    void readRefusesMissingKeys() {
        assertThatThrownBy(() -> PolicyBundle.read(Map.of(PolicyBundle.VERSION_KEY, "x")))
                .isInstanceOf(PolicyCompileException.class);
    }

    @Test
    void readRefusesContentThatIsNotEntriesWithoutQuotingIt() {
        String json = "{\"token\":\"s3cr3t\"}";
        Map<String, String> data = Map.of(PolicyBundle.POLICIES_KEY, json, PolicyBundle.VERSION_KEY, versionOf(json));

        assertThatThrownBy(() -> PolicyBundle.read(data)).isInstanceOf(PolicyCompileException.class)
                .hasMessageContaining("not a list of bundle entries").hasMessageNotContaining("s3cr3t");
    }

    /** The version build gives a bundle whose policies JSON is exactly this. */
    private static String versionOf(String json) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AgentPolicy policy(String name, long generation) {
        AgentPolicy policy = new AgentPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withNamespace("team").withName(name).withGeneration(generation)
                .build());
        PolicySpec spec = new PolicySpec();
        spec.setRules(List.of(new ApiRule("no-secrets", Action.Deny, List.of("get"), List.of(""),
                List.of("secrets"), null, null, "not for agents")));
        policy.setSpec(spec);
        return policy;
    }
}
