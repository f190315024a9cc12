package dev.agentguard.operator.uninstall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.agentguard.operator.uninstall.RemoveWebhookConfigurationsCommand.Request;
import dev.agentguard.operator.uninstall.RemoveWebhookConfigurationsCommand.UsageException;

/** Argument handling; the deletes themselves are tested against a real API server by e2e's ChartInstallIT. */
class RemoveWebhookConfigurationsCommandTest {

    @Test
    void noNamesMeansTheOperatorsDefaults() throws Exception {
        assertThat(RemoveWebhookConfigurationsCommand.parse().names())
                .containsExactly("agentguard-webhook", "agentguard-approvals");
    }

    @Test
    void givenNamesReplaceTheDefaultsOnceEach() throws Exception {
        assertThat(RemoveWebhookConfigurationsCommand.parse("a-webhook", "b", "a-webhook"))
                .isEqualTo(new Request(List.of("a-webhook", "b"), false));
    }

    @Test
    void unknownOptionsAndBadNamesAreRefused() {
        assertThatThrownBy(() -> RemoveWebhookConfigurationsCommand.parse("--force"))
                .isInstanceOf(UsageException.class).hasMessage("unknown option --force");
        assertThatThrownBy(() -> RemoveWebhookConfigurationsCommand.parse("Agentguard_Webhook"))
                .isInstanceOf(UsageException.class).hasMessageContaining("Agentguard_Webhook");
    }

    @Test
    void badUsageExits2BeforeAnyClientIsMade() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RemoveWebhookConfigurationsCommand.run(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> {
                    throw new AssertionError("no client for bad usage");
                }, "--nope");
        assertThat(code).isEqualTo(RemoveWebhookConfigurationsCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --nope", "usage:");
    }

    @Test
    void helpExits0WithoutAClient() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = RemoveWebhookConfigurationsCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()), () -> {
                    throw new AssertionError("no client for help");
                }, "--help");
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: remove-webhook-configurations");
    }
}
