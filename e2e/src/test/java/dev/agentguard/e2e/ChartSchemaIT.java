package dev.agentguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.agentguard.testing.chart.Helm;

/**
 * Bad values are refused before anything reaches a cluster, with a message naming the key:
 * values.schema.json for shapes, types, enums and patterns (helm template, install and lint
 * all refuse), the templates for what spans keys.
 */
class ChartSchemaIT {

    private final Helm helm = Helm.offline();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown-key.yaml              | at '/webhook': additional properties 'replica' not allowed
            no-webhook-replica.yaml       | at '/webhook/replicas': minimum: got 0, want 1
            pull-policy.yaml              | at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'
            timeout-too-long.yaml         | at '/webhook/timeoutSeconds': maximum: got 45, want 30
            memory-quantity.yaml          | at '/proxy/resources/limits/memory': '512MB' does not match pattern
            retention-duration.yaml       | at '/operator/approvals/retention': 'one day' does not match pattern
            exempt-without-namespace.yaml | at '/webhook/exemptServiceAccounts/0': 'builder' does not match pattern
            host-port.yaml                | at '/proxy/hostPort': minimum: got 0, want 1
            approver-groups-not-a-list.yaml | at '/approvers/groups': got string, want array
            receiver-name.yaml            | at '/notifications/receivers/0/name': 'team-a' does not match pattern
            receiver-without-secret.yaml  | at '/notifications/receivers/0': missing property 'urlSecret'
            receiver-plain-url.yaml       | at '/notifications/receivers/0': additional properties 'url' not allowed
            receiver-type.yaml            | at '/notifications/receivers/0/type': value must be one of 'json', 'slack'
            """)
    void refusedBySchema(String file, String message) throws URISyntaxException {
        Path values = values(file);
        Helm.Result template = helm.run("template", "agentguard", Helm.chart().toString(), "-f", values.toString());
        assertThat(template.exitCode()).as(template.output()).isNotZero();
        assertThat(template.stderr()).contains(message);
        Helm.Result lint = helm.run("lint", "--strict", Helm.chart().toString(), "-f", values.toString());
        assertThat(lint.exitCode()).as(lint.output()).isNotZero();
        assertThat(lint.output()).contains(message);
    }

    /**
     * A rule across keys, which JSON Schema cannot state, is the template's {@code fail}:
     * template and install refuse; helm lint only reports a template's fail as [INFO].
     */
    @Test
    void aBudgetThatBlocksEveryDrainIsRefusedByTheTemplate() throws URISyntaxException {
        Path values = values("pdb-blocks-drains.yaml");
        String message = "webhook.podDisruptionBudget.minAvailable (2) must be below webhook.replicas (2)";
        Helm.Result template = helm.run("template", "agentguard", Helm.chart().toString(), "-f", values.toString());
        assertThat(template.exitCode()).as(template.output()).isNotZero();
        assertThat(template.stderr()).contains(message);
        assertThat(helm.run("lint", "--strict", Helm.chart().toString(), "-f", values.toString()).output())
                .contains("[INFO] Fail: " + message);
    }

    /** Two receivers of one name would set the same environment variables: the template refuses. */
    @Test
    void aReceiverNameUsedTwiceIsRefusedByTheTemplate() throws URISyntaxException {
        Path values = values("receiver-names-twice.yaml");
        String message = "notifications.receivers: the name ops is used twice";
        Helm.Result template = helm.run("template", "agentguard", Helm.chart().toString(), "-f", values.toString());
        assertThat(template.exitCode()).as(template.output()).isNotZero();
        assertThat(template.stderr()).contains(message);
    }

    private Path values(String file) throws URISyntaxException {
        return Path.of(getClass().getResource("/bad-values/" + file).toURI());
    }
}
