package dev.agentguard.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.agentguard.testing.kube.RepoFiles;

/** policy test with the shipped baseline: the decision, the rule and its reason, and the exit code CI reads. */
class PolicyTestCommandTest {

    private static final String BASELINE = RepoFiles.find("examples/policies/baseline.yaml").toString();

    @TempDir
    Path work;

    @Test
    void aDatabaseDumpInAShellScriptIsDeniedNamingTheRuleAndTheCommand() {
        InProcess run = test("--as-agent", "demo/agent", "--exec", "sh -c \"cd /tmp && pg_dump -U orders orders > x\"");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.DENIED);
        assertThat(run.out()).contains("decision: Deny", "policy:   ClusterAgentPolicy/baseline",
                "rule:     no-database-dumps", "reason:   Database dumps leave the cluster only through the backup system.",
                "command:  pg_dump -U orders orders");
    }

    @Test
    void aDestructiveDeleteRequiresApproval() {
        InProcess run = test("--as-agent", "demo/agent", "--request", "DELETE /apis/apps/v1/namespaces/demo/deployments/web");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REQUIRES_APPROVAL);
        assertThat(run.out()).contains("request:  delete /apis/apps/v1/namespaces/demo/deployments/web",
                "decision: RequireApproval", "rule:     approve-destructive-deletes");
    }

    @Test
    void controlPlaneSecretsAreDeniedAndOrdinaryReadsAllowed() {
        assertThat(test("--as-agent", "demo/agent", "--request", "GET /api/v1/namespaces/kube-system/secrets")
                .exitCode()).isEqualTo(ExitCodes.DENIED);
        InProcess list = test("--as-agent", "demo/agent", "--request", "get /api/v1/namespaces/demo/pods?limit=5");
        assertThat(list.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(list.out()).contains("request:  list /api/v1/namespaces/demo/pods", "decision: Allow")
                .doesNotContain("rule:");
    }

    @Test
    void theBuiltInRulesApplyWithoutAnyPolicyRule() {
        InProcess run = test("--as-agent", "demo/agent", "--request", "POST /api/v1/namespaces/demo/pods/db/portforward");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.DENIED);
        assertThat(run.out()).contains("policy:   BuiltIn/agentguard");
    }

    @Test
    void terminalEscapesInTheCommandArePrintedNotObeyed() {
        InProcess run = test("--as-agent", "demo/agent", "--exec", "pg_dump \u001b[2Jdb");

        assertThat(run.out()).contains("command:  pg_dump \\x1b[2Jdb").doesNotContain("\u001b");
    }

    @Test
    void aPolicyThatWouldNotCompileIsOneLineNamingTheFile() throws IOException {
        Path bad = Files.writeString(work.resolve("bad.yaml"), """
                apiVersion: agentguard.dev/v1alpha1
                kind: ClusterAgentPolicy
                metadata: {name: broken}
                spec:
                  exec:
                    rules:
                      - {name: dumps, action: Deny, programs: [pg_dump], args: "[unclosed"}
                """);

        InProcess run = run("policy", "test", "-f", bad.toString(), "--as-agent", "demo/agent", "--exec", "ls");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(run.err().lines()).singleElement().asString().startsWith("error: " + bad + ": ClusterAgentPolicy broken"
                + " would be refused: ");
    }

    @Test
    void badArgumentsAreOneClearLine() {
        assertThat(test("--as-agent", "demo", "--request", "GET /api").err().trim())
                .isEqualTo("error: --as-agent takes NAMESPACE/SERVICEACCOUNT, got 'demo'");
        assertThat(test("--as-agent", "demo/agent", "--request", "FETCH /api").err().trim())
                .isEqualTo("error: --request: 'FETCH' is not an HTTP method the API server serves");
        assertThat(run("policy", "test", "-f", work.resolve("missing.yaml").toString(), "--as-agent", "a/b",
                "--request", "GET /api").err().trim()).endsWith("missing.yaml: no such file");
        InProcess neither = run("policy", "test", "-f", BASELINE, "--as-agent", "a/b");
        assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(neither.err()).contains("--request", "--exec");
    }

    private static InProcess test(String... args) {
        List<String> all = new ArrayList<>(List.of("policy", "test", "-f", BASELINE));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static InProcess run(String... args) {
        return InProcess.run(args);
    }
}
