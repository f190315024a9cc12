package dev.agentguard.api.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import dev.agentguard.api.request.RequestAttributes;
import dev.agentguard.api.request.RequestParser;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.AgentSelector;
import dev.agentguard.api.v1alpha1.ApiRule;
import dev.agentguard.api.v1alpha1.ApprovalSettings;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterPolicySpec;
import dev.agentguard.api.v1alpha1.Mode;
import dev.agentguard.api.v1alpha1.PolicySpec;
import dev.agentguard.api.v1alpha1.StepUp;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    private static final AgentIdentity AGENT = new AgentIdentity("agents", "coder", "coder-1",
            Map.of("app", "coder"), Map.of("team", "ml"));

    @Test
    void noPolicyAllowsByDefault() {
        Decision d = PolicyEngine.decide(get("/api/v1/namespaces/agents/pods"), AGENT, List.of());

        assertThat(d.action()).isEqualTo(Action.Allow);
        assertThat(d.match()).isEmpty();
    }

    @Test
    void denyWinsOverAllowAcrossPolicies() {
        CompiledPolicy allow = policy("a-allow", Mode.Enforce, rule("read", Action.Allow, "secrets"));
        CompiledPolicy deny = policy("z-deny", Mode.Enforce, rule("no-secrets", Action.Deny, "secrets"));

        Decision d = PolicyEngine.decide(get("/api/v1/namespaces/agents/secrets/db"), AGENT, List.of(allow, deny));

        assertThat(d.action()).isEqualTo(Action.Deny);
        assertThat(d.match()).get().satisfies(m -> {
            assertThat(m.rule()).isEqualTo("no-secrets");
            assertThat(m.policy()).hasToString("AgentPolicy/agents/z-deny");
        });
    }

    @Test
    void requireApprovalWinsOverAllowButNotOverDeny() {
        CompiledPolicy p = policy("p", Mode.Enforce, rule("ok", Action.Allow, "pods"),
                rule("ask", Action.RequireApproval, "pods"));
        assertThat(PolicyEngine.decide(delete("/api/v1/namespaces/agents/pods/x"), AGENT, List.of(p)).action())
                .isEqualTo(Action.RequireApproval);

        CompiledPolicy q = policy("q", Mode.Enforce, rule("never", Action.Deny, "pods"));
        assertThat(PolicyEngine.decide(delete("/api/v1/namespaces/agents/pods/x"), AGENT, List.of(p, q)).action())
                .isEqualTo(Action.Deny);
    }

    @Test
    void auditModeReportsButDoesNotDecide() {
        CompiledPolicy audit = policy("watcher", Mode.Audit, rule("no-secrets", Action.Deny, "secrets"));

        Decision d = PolicyEngine.decide(get("/api/v1/namespaces/agents/secrets"), AGENT, List.of(audit));

        assertThat(d.action()).isEqualTo(Action.Allow);
        assertThat(d.mode()).isEqualTo(Mode.Audit);
        assertThat(d.wouldHave()).get().satisfies(m -> {
            assertThat(m.action()).isEqualTo(Action.Deny);
            assertThat(m.rule()).isEqualTo("no-secrets");
        });
    }

    @Test
    void tunnelsAndTokenMintingAreDeniedUnlessAllowed() {
        for (String path : List.of("/api/v1/namespaces/agents/pods/p/portforward",
                "/api/v1/namespaces/agents/pods/p/proxy", "/api/v1/namespaces/agents/services/s/proxy",
                "/api/v1/nodes/n/proxy", "/api/v1/namespaces/agents/serviceaccounts/coder/token",
                "/api/v1/namespaces/agents/pods/p/ephemeralcontainers")) {
            Decision d = PolicyEngine.decide(post(path), AGENT, List.of());
            assertThat(d.action()).as(path).isEqualTo(Action.Deny);
            assertThat(d.match()).get().satisfies(m -> assertThat(m.policy()).isEqualTo(PolicyRef.BUILT_IN));
        }
        CompiledPolicy allow = policy("pf", Mode.Enforce, rule("port-forward", Action.Allow, "pods/portforward"));
        assertThat(PolicyEngine.decide(post("/api/v1/namespaces/agents/pods/p/portforward"), AGENT,
                List.of(allow)).action()).isEqualTo(Action.Allow);
    }

    @Test
    void agentguardResourcesAreReadOnlyEvenIfAPolicyAllowsWrites() {
        CompiledPolicy allowAll = policy("everything", Mode.Enforce, new ApiRule("all", Action.Allow,
                List.of("*"), List.of("*"), List.of("*"), null, null, null));

        for (RequestAttributes write : List.of(
                post("/apis/agentguard.dev/v1alpha1/namespaces/agents/agentpolicies"),
                RequestParser.parse("PATCH", "/apis/agentguard.dev/v1alpha1/namespaces/agentguard-system/"
                        + "approvalrequests/r/status", null, "application/merge-patch+json"),
                delete("/apis/agentguard.dev/v1alpha1/clusteragentpolicies/baseline"))) {
            assertThat(PolicyEngine.decide(write, AGENT, List.of(allowAll)).action()).isEqualTo(Action.Deny);
        }
        assertThat(PolicyEngine.decide(get("/apis/agentguard.dev/v1alpha1/namespaces/agents/agentpolicies"),
                AGENT, List.of(allowAll)).action()).isEqualTo(Action.Allow);
    }

    @Test
    void aBareResourceDoesNotMatchItsSubresources() {
        CompiledPolicy p = policy("p", Mode.Enforce, rule("pods", Action.Deny, "pods"));

        assertThat(PolicyEngine.decide(get("/api/v1/namespaces/agents/pods/p/log"), AGENT, List.of(p)).action())
                .isEqualTo(Action.Allow);
        CompiledPolicy all = policy("all", Mode.Enforce, rule("pods-all", Action.Deny, "pods/*"));
        assertThat(PolicyEngine.decide(get("/api/v1/namespaces/agents/pods/p/log"), AGENT, List.of(all)).action())
                .isEqualTo(Action.Deny);
    }

    @Test
    void namesAndNamespacesMatchGlobs() {
        CompiledPolicy p = policy("p", Mode.Enforce, new ApiRule("prod-db", Action.Deny, List.of(), List.of(""),
                List.of("secrets"), List.of("prod-*"), List.of("db-*"), "production database credentials"));

        assertThat(PolicyEngine.decide(get("/api/v1/namespaces/prod-eu/secrets/db-main"), AGENT, List.of(p))
                .action()).isEqualTo(Action.Deny);
        assertThat(PolicyEngine.decide(get("/api/v1/namespaces/staging/secrets/db-main"), AGENT, List.of(p))
                .action()).isEqualTo(Action.Allow);
        assertThat(PolicyEngine.decide(get("/api/v1/namespaces/prod-eu/secrets/cache"), AGENT, List.of(p))
                .action()).isEqualTo(Action.Allow);
    }

    @Test
    void policiesSelectAgentsByLabelsServiceAccountAndNamespace() {
        PolicySpec spec = spec(Mode.Enforce, rule("deny", Action.Deny, "pods"));
        spec.setAgentSelector(new AgentSelector(new LabelSelectorBuilder().addToMatchLabels("app", "other").build(),
                null));
        CompiledPolicy otherApp = CompiledPolicy.compile(agentPolicy("other-app", "agents", spec));
        CompiledPolicy otherNamespace = policy("elsewhere", "other-ns", Mode.Enforce, rule("deny", Action.Deny,
                "pods"));
        PolicySpec bySa = spec(Mode.Enforce, rule("deny", Action.Deny, "pods"));
        bySa.setAgentSelector(new AgentSelector(null, List.of("coder")));
        CompiledPolicy byServiceAccount = CompiledPolicy.compile(agentPolicy("by-sa", "agents", bySa));

        RequestAttributes list = get("/api/v1/namespaces/agents/pods");
        assertThat(PolicyEngine.decide(list, AGENT, List.of(otherApp, otherNamespace)).action())
                .isEqualTo(Action.Allow);
        assertThat(PolicyEngine.decide(list, AGENT, List.of(byServiceAccount)).action()).isEqualTo(Action.Deny);

        ClusterPolicySpec cluster = new ClusterPolicySpec();
        cluster.setRules(List.of(rule("deny", Action.Deny, "pods")));
        cluster.setNamespaceSelector(new LabelSelectorBuilder().addNewMatchExpression().withKey("team")
                .withOperator("In").withValues("ml").endMatchExpression().build());
        ClusterAgentPolicy cap = new ClusterAgentPolicy();
        cap.setMetadata(new ObjectMetaBuilder().withName("ml-teams").build());
        cap.setSpec(cluster);
        assertThat(PolicyEngine.decide(list, AGENT, List.of(CompiledPolicy.compile(cap))).action())
                .isEqualTo(Action.Deny);
    }

    @Test
    void invalidPoliciesAreRefusedWithTheField() {
        assertThatThrownBy(() -> policy("dup", Mode.Enforce, rule("same", Action.Deny, "pods"),
                rule("same", Action.Allow, "secrets")))
                .isInstanceOf(PolicyCompileException.class)
                .hasMessage("spec.rules[1].name: duplicate rule name 'same'");
        assertThatThrownBy(() -> policy("bad", Mode.Enforce, rule("r", Action.Deny, "pods/exec/extra")))
                .isInstanceOf(PolicyCompileException.class)
                .hasMessageContaining("spec.rules[0].resources: 'pods/exec/extra'");
        PolicySpec badSelector = spec(Mode.Enforce);
        badSelector.setAgentSelector(new AgentSelector(new LabelSelectorBuilder().addNewMatchExpression()
                .withKey("app").withOperator("Equals").withValues("x").endMatchExpression().build(), null));
        assertThatThrownBy(() -> CompiledPolicy.compile(agentPolicy("sel", "agents", badSelector)))
                .hasMessageContaining("spec.agentSelector.podSelector: unknown operator 'Equals'");
    }

    @Test
    void aStepUpMustRequireSomethingValid() {
        assertThatThrownBy(() -> CompiledPolicy.compile(agentPolicy("s", "agents", withStepUp(new StepUp(null, List.of())))))
                .hasMessage("spec.approval.stepUp: set maxAgeSeconds, acrValues or both");
        assertThatThrownBy(() -> CompiledPolicy.compile(agentPolicy("s", "agents", withStepUp(new StepUp(0, null)))))
                .hasMessage("spec.approval.stepUp.maxAgeSeconds: must be at least 1, got 0");
        assertThatThrownBy(() -> CompiledPolicy.compile(agentPolicy("s", "agents",
                withStepUp(new StepUp(null, List.of("gold", " "))))))
                .hasMessage("spec.approval.stepUp.acrValues[1]: must not be empty");
        CompiledPolicy.compile(agentPolicy("s", "agents", withStepUp(new StepUp(300, List.of("gold")))));
    }

    private static PolicySpec withStepUp(StepUp stepUp) {
        PolicySpec spec = spec(Mode.Enforce);
        spec.setApproval(new ApprovalSettings(List.of("approvers"), null, null, null, stepUp));
        return spec;
    }

    @Test
    void nonResourceRequestsAreNotMatchedByRules() {
        CompiledPolicy denyAll = policy("p", Mode.Enforce, new ApiRule("all", Action.Deny, null, null, null, null,
                null, null));

        assertThat(PolicyEngine.decide(get("/version"), AGENT, List.of(denyAll)).action()).isEqualTo(Action.Allow);
        assertThat(PolicyEngine.decide(get("/api/v1/namespaces/agents/pods"), AGENT, List.of(denyAll)).action())
                .isEqualTo(Action.Deny);
    }

    private static ApiRule rule(String name, Action action, String resource) {
        return new ApiRule(name, action, null, null, List.of(resource), null, null, null);
    }

    private static CompiledPolicy policy(String name, Mode mode, ApiRule... rules) {
        return policy(name, "agents", mode, rules);
    }

    private static CompiledPolicy policy(String name, String namespace, Mode mode, ApiRule... rules) {
        return CompiledPolicy.compile(agentPolicy(name, namespace, spec(mode, rules)));
    }

    private static PolicySpec spec(Mode mode, ApiRule... rules) {
        PolicySpec spec = new PolicySpec();
        spec.setMode(mode);
        spec.setRules(List.of(rules));
        return spec;
    }

    private static AgentPolicy agentPolicy(String name, String namespace, PolicySpec spec) {
        AgentPolicy policy = new AgentPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        policy.setSpec(spec);
        return policy;
    }

    private static RequestAttributes get(String path) {
        return RequestParser.parse("GET", path, null, null);
    }

    private static RequestAttributes post(String path) {
        return RequestParser.parse("POST", path, null, null);
    }

    private static RequestAttributes delete(String path) {
        return RequestParser.parse("DELETE", path, null, null);
    }
}
