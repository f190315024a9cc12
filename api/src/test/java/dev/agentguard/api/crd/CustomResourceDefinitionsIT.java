package dev.agentguard.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.KubeApiServer.KubectlResult;
import dev.agentguard.testing.kube.WithKubeApiServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped CRDs against a real API server and the real kubectl: they install,
 * read well in {@code kubectl explain}, accept the example policies and refuse
 * invalid ones with a message saying what is wrong.
 */
@WithKubeApiServer
class CustomResourceDefinitionsIT {

    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    private static final Path REPO = Path.of("..");

    private static KubeApiServer cluster;

    @BeforeAll
    static void install(KubeApiServer server) {
        cluster = server;
        ok(cluster.kubectl(null, "apply", "--server-side", "-f", REPO.resolve("manifests/crds").toString()));
        ok(cluster.kubectl(null, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/agentpolicies.agentguard.dev", "crd/clusteragentpolicies.agentguard.dev",
                "crd/approvalrequests.agentguard.dev", "crd/agentsessions.agentguard.dev"));
        ok(cluster.kubectl(null, "create", "namespace", "agents"));
    }

    @Test
    void shippedCrdsAreTheOnesGeneratedFromTheClasses() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            List<Path> generated = files.toList();
            assertThat(generated).hasSize(4);
            for (Path file : generated) {
                String name = file.getFileName().toString().replace("-v1.yml", ".yaml");
                String content = Files.readString(file);
                assertThat(REPO.resolve("manifests/crds").resolve(name)).as("run `make crds`").hasContent(content);
                assertThat(REPO.resolve("charts/agentguard/crds").resolve(name)).as("run `make crds`")
                        .hasContent(content);
            }
        }
    }

    @Test
    void kubectlExplainDescribesTheFields() {
        KubectlResult explain = ok(cluster.kubectl(null, "explain", "agentpolicy.spec.rules"));

        assertThat(explain.stdout())
                // kubectl wraps descriptions at 80 columns.
                .contains("API rules. Across all policies that select an agent, Deny wins over")
                .contains("action\t<string> -required-")
                .contains("enum: Allow, Deny, RequireApproval")
                .contains("What to do with a matching request: Allow, Deny or RequireApproval (hold it");
        assertThat(ok(cluster.kubectl(null, "explain", "approvalrequest.status.decidedBy")).stdout())
                .contains("User who decided, from the authenticated request.");
    }

    @Test
    void theExamplePoliciesApplyAsShipped() {
        ok(cluster.kubectl(null, "apply", "-f", REPO.resolve("examples/policies").toString()));

        KubectlResult listed = ok(cluster.kubectl(null, "get", "agentpolicies", "-n", "agents"));
        assertThat(listed.stdout()).contains("MODE").contains("READY").contains("PROXIES")
                .contains("would-deny-secret-reads").contains("Audit");
        assertThat(ok(cluster.kubectl(null, "get", "clusteragentpolicy", "baseline", "-o",
                "jsonpath={.spec.approval.waitSeconds}")).stdout()).isEqualTo("300");
    }

    @Test
    void duplicateRuleNamesAreRefusedAtApplyTime() {
        KubectlResult result = cluster.kubectl(policy("dup", """
                  rules:
                    - {name: same, action: Deny, resources: [secrets]}
                    - {name: same, action: Allow, resources: [pods]}
                """), "apply", "-f", "-");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("rule names must be unique within a policy");
    }

    @Test
    void unknownActionsAndBadRuleNamesAreRefusedAtApplyTime() {
        KubectlResult badAction = cluster.kubectl(policy("bad-action", """
                  rules:
                    - {name: r, action: Block}
                """), "apply", "-f", "-");
        assertThat(badAction.exitCode()).isNotZero();
        assertThat(badAction.stderr()).contains("spec.rules[0].action").contains("Unsupported value: \"Block\"");

        KubectlResult badName = cluster.kubectl(policy("bad-name", """
                  rules:
                    - {name: Not_Valid, action: Deny}
                """), "apply", "-f", "-");
        assertThat(badName.exitCode()).isNotZero();
        assertThat(badName.stderr()).contains("spec.rules[0].name");

        KubectlResult missingAction = cluster.kubectl(policy("no-action", """
                  rules:
                    - {name: r}
                """), "apply", "-f", "-");
        assertThat(missingAction.exitCode()).isNotZero();
        assertThat(missingAction.stderr()).contains("spec.rules[0].action: Required value");
    }

    @Test
    void egressAllowListsAreCheckedAtApplyTime() {
        ok(cluster.kubectl(policy("egress-ok", """
                  egress:
                    allow:
                      - {cidr: 203.0.113.0/24, except: [203.0.113.7/32], ports: [{port: 443}]}
                      - {namespaceSelector: {matchLabels: {team: data}}}
                """), "apply", "-f", "-"));
        assertThat(ok(cluster.kubectl(null, "get", "agentpolicy", "egress-ok", "-n", "agents", "-o",
                "jsonpath={.spec.egress.allow[0].ports[0].protocol}")).stdout()).isEqualTo("TCP");

        KubectlResult badCidr = cluster.kubectl(policy("egress-bad-cidr", """
                  egress:
                    allow:
                      - {cidr: 10.0.0.0/33}
                """), "apply", "-f", "-");
        assertThat(badCidr.exitCode()).isNotZero();
        assertThat(badCidr.stderr()).contains("spec.egress.allow[0]").contains("cidr must be an IP prefix");

        KubectlResult both = cluster.kubectl(policy("egress-both", """
                  egress:
                    allow:
                      - {cidr: 10.0.0.0/8, podSelector: {}}
                """), "apply", "-f", "-");
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.stderr()).contains("set either cidr, or namespaceSelector and/or podSelector");

        KubectlResult selected = cluster.kubectl(policy("egress-selected", """
                  agentSelector: {serviceAccounts: [agent]}
                  egress:
                    allow:
                      - {cidr: 10.0.0.0/8}
                """), "apply", "-f", "-");
        assertThat(selected.exitCode()).isNotZero();
        assertThat(selected.stderr()).contains("a policy with egress cannot have an agentSelector");

        KubectlResult clusterWide = cluster.kubectl("""
                apiVersion: agentguard.dev/v1alpha1
                kind: ClusterAgentPolicy
                metadata:
                  name: egress-cluster
                spec:
                  egress:
                    allow:
                      - {cidr: 10.0.0.0/8}
                """, "apply", "-f", "-");
        assertThat(clusterWide.exitCode()).isNotZero();
        assertThat(clusterWide.stderr()).contains("egress is set per namespace, in an AgentPolicy");
    }

    private static String policy(String name, String spec) {
        return """
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata:
                  name: %s
                  namespace: agents
                spec:
                %s""".formatted(name, spec);
    }

    private static KubectlResult ok(KubectlResult result) {
        assertThat(result.exitCode()).as("kubectl failed: %s", result.stderr()).isZero();
        return result;
    }
}
