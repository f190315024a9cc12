package dev.agentguard.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.ApprovalWebhooks;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeApiServer.KubectlResult;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped ValidatingWebhookConfiguration and the approvals MutatingWebhookConfiguration registered by
 * URL with a real kube-apiserver: policies that do not compile are refused at {@code kubectl apply}, and
 * ApprovalRequests are decided only by approvers, never by the agent, with the decider recorded from the
 * authenticated request. Users are impersonated by the admin, so the webhook sees their userInfo.
 */
@QuarkusTest
@QuarkusTestResource(value = WebhookTestResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyAndApprovalAdmissionIT {

    private static final String APPROVERS = "agentguard:approvers";
    private static final String DECIDERS = "test:deciders"; // RBAC to patch approvalrequests/status only

    private final KubeApiServer cluster = KubeApiServer.shared();
    private KubernetesClient admin;
    private ApprovalWebhooks webhooks;
    private String agentNs;

    @BeforeAll
    void register() throws IOException {
        admin = cluster.admin();
        AgentGuardInstall.crds(cluster);
        agentNs = "agents-" + UUID.randomUUID().toString().substring(0, 6);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(agentNs).endMetadata()
                .build()).create();
        admin.serviceAccounts().inNamespace(agentNs).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("agent").endMetadata().build()).create();

        webhooks = ApprovalWebhooks.register(cluster, "https://127.0.0.1:" + WebhookTestResource.port,
                WebhookTestResource.TLS.caPem());

        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("test-decider")
                .endMetadata().addNewRule().withApiGroups(AgentGuard.GROUP)
                .withResources("approvalrequests", "approvalrequests/status")
                .withVerbs("get", "list", "update", "patch").endRule().build()).serverSideApply();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("test-decider").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "test-decider")
                .addNewSubject().withKind("Group").withName(DECIDERS).endSubject()
                .addNewSubject().withKind("ServiceAccount").withName("agent").withNamespace(agentNs).endSubject()
                .build()).serverSideApply();
        // 'approve' through RBAC: carol, and the agent itself (which must still not approve its own request).
        admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("test-approve")
                .endMetadata().addNewRule().withApiGroups(AgentGuard.GROUP).withResources("approvalrequests")
                .withVerbs("approve").endRule().build()).serverSideApply();
        admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("test-approve").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "test-approve")
                .addNewSubject().withKind("User").withName("carol").endSubject()
                .addNewSubject().withKind("ServiceAccount").withName("agent").withNamespace(agentNs).endSubject()
                .build()).serverSideApply();

        check(cluster.kubectl(policy("AgentPolicy", "approvals", agentNs, """
                  approval:
                    approverGroups: ["%s"]
                  rules:
                    - name: deletes
                      action: RequireApproval
                      verbs: ["delete"]
                      resources: ["pods"]
                """.formatted(APPROVERS)), "apply", "-f", "-"));
    }

    @AfterAll
    void cleanUp() {
        webhooks.close();
        admin.namespaces().withName(agentNs).delete();
    }

    // --- policies ---

    @Test
    void aValidPolicyIsApplied() {
        KubectlResult result = cluster.kubectl(policy("ClusterAgentPolicy", "valid-" + suffix(), null, """
                  rules:
                    - name: no-secrets
                      action: Deny
                      verbs: ["get", "list"]
                      resources: ["secrets"]
                """), "apply", "-f", "-");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("created");
    }

    @Test
    void aBadResourceIsRefusedWithItsFieldPath() {
        assertPolicyRefused("AgentPolicy", agentNs, """
                  rules:
                    - name: ok
                      action: Deny
                      resources: ["pods", "Pods/EXEC/x"]
                """, "spec.rules[0].resources: 'Pods/EXEC/x' is not resource or resource/subresource");
    }

    @Test
    void anInvalidExecArgumentPatternIsRefused() {
        assertPolicyRefused("ClusterAgentPolicy", null, """
                  exec:
                    rules:
                      - name: dumps
                        action: Deny
                        programs: ["pg_dump"]
                        args: "[unclosed"
                """, "spec.exec.rules[0].args: '[unclosed' is not a valid regular expression");
    }

    @Test
    void schemaErrorsAreStillTheApiServersOwn() {
        // Duplicate rule names are caught by the CRD's own validation before the webhook is called.
        KubectlResult result = cluster.kubectl(policy("ClusterAgentPolicy", "dup-" + suffix(), null, """
                  rules:
                    - name: same
                      action: Deny
                      resources: ["secrets"]
                    - name: same
                      action: Allow
                      resources: ["pods"]
                """), "apply", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("rule names must be unique");
    }

    @Test
    void anInvalidMaskingPatternIsRefused() {
        assertPolicyRefused("AgentPolicy", agentNs, """
                  masking:
                    patterns: ["(unclosed"]
                """, "spec.masking.patterns[0]: '(unclosed' is not a valid regular expression");
    }

    @Test
    void aStepUpThatRequiresNothingIsRefused() {
        assertPolicyRefused("AgentPolicy", agentNs, """
                  approval:
                    stepUp: {acrValues: []}
                """, "spec.approval.stepUp: set maxAgeSeconds, acrValues or both");
    }

    @Test
    void aStepUpMaxAgeBelowOneIsTheSchemasError() {
        KubectlResult result = cluster.kubectl(policy("AgentPolicy", "stepup-" + suffix(), agentNs, """
                  approval:
                    stepUp: {maxAgeSeconds: 0}
                """), "apply", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("spec.approval.stepUp.maxAgeSeconds", "should be greater than or equal to 1");
    }

    @Test
    void aBadSelectorIsRefused() {
        assertPolicyRefused("ClusterAgentPolicy", null, """
                  namespaceSelector:
                    matchExpressions:
                      - key: team
                        operator: In
                """, "spec.namespaceSelector");
    }

    @Test
    void anUpdateThatBreaksAPolicyIsRefused() {
        String name = "upd-" + suffix();
        String good = """
                  rules:
                    - name: r
                      action: Deny
                      resources: ["secrets"]
                """;
        check(cluster.kubectl(policy("AgentPolicy", name, agentNs, good), "apply", "-f", "-"));
        KubectlResult bad = cluster.kubectl(policy("AgentPolicy", name, agentNs, good.replace("secrets", "a b")),
                "apply", "-f", "-");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stderr()).contains("denied the request", "spec.rules[0].resources: 'a b'");
        check(cluster.kubectl(null, "delete", "agentpolicy", name, "-n", agentNs));
    }

    // --- approvals ---

    @Test
    void aNonApproverCannotDecide() {
        ApprovalRequest request = pending();
        KubectlResult result = decide(request, "bob", List.of(DECIDERS), "Approved", "bob");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("bob is not an approver for AgentPolicy/" + agentNs + "/approvals");
        assertThat(phase(request)).isNull();
    }

    @Test
    void theAgentCannotApproveItsOwnRequest() {
        ApprovalRequest request = pending();
        try (KubernetesClient agent = cluster.clientFor(agentNs, "agent")) {
            assertThatThrownBy(() -> agent.resources(ApprovalRequest.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                    .withName(request.getMetadata().getName()).editStatus(r -> {
                        r.setStatus(new ApprovalRequestStatus(ApprovalPhase.Approved, "alice", null, null, null));
                        return r;
                    })).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getMessage())
                            .contains("it is the requesting agent's ServiceAccount"));
        }
        // Another ServiceAccount of the agent's namespace, even impersonated into the approver group.
        KubectlResult other = decide(request, "system:serviceaccount:" + agentNs + ":helper",
                List.of(DECIDERS, APPROVERS), "Approved", null);
        assertThat(other.stderr()).contains("ServiceAccounts of the agent's namespace");
        assertThat(phase(request)).isNull();
    }

    @Test
    void anApproverDecidesAndIsRecordedWhateverTheyWrote() {
        ApprovalRequest request = pending();
        KubectlResult result = decide(request, "alice", List.of(DECIDERS, APPROVERS), "Approved", "mallory");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        ApprovalRequestStatus status = status(request);
        assertThat(status.phase()).isEqualTo(ApprovalPhase.Approved);
        assertThat(status.decidedBy()).isEqualTo("alice");
        assertThat(status.decidedAt()).isNotBlank();
        // spec.grantTTLSeconds is 900
        assertThat(java.time.Instant.parse(status.grantExpiresAt()))
                .isEqualTo(java.time.Instant.parse(status.decidedAt()).plusSeconds(900));

        KubectlResult again = decide(request, "alice", List.of(DECIDERS, APPROVERS), "Denied", null);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("already Approved and a decision cannot be changed");
        assertThat(status(request).phase()).isEqualTo(ApprovalPhase.Approved);
    }

    @Test
    void anIdentityWithTheApproveVerbCanDecide() {
        ApprovalRequest request = pending();
        KubectlResult result = decide(request, "carol", List.of(DECIDERS), "Denied", null);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(status(request).phase()).isEqualTo(ApprovalPhase.Denied);
        assertThat(status(request).decidedBy()).isEqualTo("carol");
    }

    @Test
    void onlyTheOperatorExpiresAndItDecidesNothingElse() {
        ApprovalRequest request = pending();
        assertThat(decide(request, "alice", List.of(DECIDERS, APPROVERS), "Expired", null).stderr())
                .contains("sets Expired");
        String operator = "system:serviceaccount:agentguard-system:agentguard-operator";
        assertThat(decide(request, operator, List.of(DECIDERS), "Approved", null).stderr())
                .contains("the operator may only expire");
        KubectlResult expired = decide(request, operator, List.of(DECIDERS), "Expired", null);
        assertThat(expired.exitCode()).as(expired.stderr()).isZero();
        assertThat(status(request).phase()).isEqualTo(ApprovalPhase.Expired);
    }

    @Test
    void theSpecIsImmutable() {
        ApprovalRequest request = pending();
        KubectlResult result = cluster.kubectl(null, "patch", "approvalrequest", request.getMetadata().getName(),
                "-n", AgentGuard.DEFAULT_SYSTEM_NAMESPACE, "--type=merge", "-p", "{\"spec\":{\"rule\":\"other\"}}");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("spec is immutable after creation");
    }

    private KubectlResult decide(ApprovalRequest request, String user, List<String> groups, String phase,
            String decidedBy) {
        List<String> args = new java.util.ArrayList<>(List.of("patch", "approvalrequest",
                request.getMetadata().getName(), "-n", AgentGuard.DEFAULT_SYSTEM_NAMESPACE, "--subresource=status",
                "--type=merge", "-p", "{\"status\":{\"phase\":\"" + phase + "\""
                        + (decidedBy == null ? "" : ",\"decidedBy\":\"" + decidedBy + "\"") + "}}",
                "--as=" + user));
        groups.forEach(g -> args.add("--as-group=" + g));
        return cluster.kubectl(null, args.toArray(String[]::new));
    }

    private ApprovalRequest pending() {
        ApprovalRequest request = new ApprovalRequest();
        request.setMetadata(new ObjectMetaBuilder().withName("apr-" + suffix())
                .withNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).build());
        request.setSpec(new ApprovalRequestSpec(new AgentRef(agentNs, "agent", "agent-0", null, null),
                new RequestRef("delete", "", "pods", null, agentNs, "victim", "/api/v1/namespaces/" + agentNs
                        + "/pods/victim", null),
                "AgentPolicy/" + agentNs + "/approvals", "deletes", null, "fp-" + suffix(), 300, 900, null));
        return admin.resources(ApprovalRequest.class).resource(request).create();
    }

    private ApprovalRequestStatus status(ApprovalRequest request) {
        return admin.resources(ApprovalRequest.class).inNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE)
                .withName(request.getMetadata().getName()).get().getStatus();
    }

    private ApprovalPhase phase(ApprovalRequest request) {
        ApprovalRequestStatus status = status(request);
        return status == null ? null : status.phase();
    }

    private void assertPolicyRefused(String kind, String namespace, String spec, String message) {
        String name = "bad-" + suffix();
        KubectlResult result = cluster.kubectl(policy(kind, name, namespace, spec), "apply", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("admission webhook \"policies.agentguard.dev\" denied the request",
                "agentguard refused " + kind, message);
        String[] get = namespace == null ? new String[] {"get", kind.toLowerCase(), name}
                : new String[] {"get", kind.toLowerCase(), name, "-n", namespace};
        assertThat(cluster.kubectl(null, get).exitCode()).isNotZero();
    }

    private static String policy(String kind, String name, String namespace, String spec) {
        return """
                apiVersion: agentguard.dev/v1alpha1
                kind: %s
                metadata:
                  name: %s
                %sspec:
                %s""".formatted(kind, name, namespace == null ? "" : "  namespace: " + namespace + "\n", spec);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }

    private static void check(KubectlResult result) {
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    }
}
