package dev.agentguard.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class SlackMessageTest {

    private static final Instant CREATED = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void namesTheAgentTheRequestTheReasonAndLinksToTheConsole() {
        SlackMessage message = SlackMessage.of(NotificationPayload.of(
                NotificationPayloadTest.request("agent-0", List.of("rm", "-rf", "/data"), "exec in prod"), CREATED,
                CREATED.plusSeconds(120), "https://agentguard.example.com"));
        assertThat(message.text())
                .contains("`team-a/agent-0`")
                .contains("`coder`")
                .contains("`create` `pods/exec` `team-a/web`")
                .contains("Command: `rm -rf /data`")
                .contains("Reason: exec in prod")
                .contains("`AgentPolicy/team-a/coder`")
                .contains("2026-01-02T03:06:05Z")
                .endsWith("<https://agentguard.example.com/approvals/agentguard-system/apr-1|Open in the console>");
    }

    @Test
    void agentTextCannotInjectLinksOrMentions() {
        SlackMessage message = SlackMessage.of(NotificationPayload.of(NotificationPayloadTest.request(
                "<!channel>", List.of("echo", "<https://evil.example|Approve here>", "&", "`x`"),
                "<@U123> look"), CREATED, CREATED, null));
        String text = message.text();
        assertThat(text).doesNotContain("<!channel>").doesNotContain("<https://evil").doesNotContain("<@U123>");
        assertThat(text).contains("&lt;!channel&gt;")
                .contains("&lt;https://evil.example|Approve here&gt; &amp; 'x'")
                .contains("&lt;@U123&gt; look");
        // No console URL configured: the only '<' left would be a link of ours, and there is none.
        assertThat(text).doesNotContain("<").doesNotContain(">");
    }

    @Test
    void escapesOnlySlacksControlCharacters() {
        assertThat(SlackMessage.escape("a & b < c > d * _ ~")).isEqualTo("a &amp; b &lt; c &gt; d * _ ~");
        assertThat(SlackMessage.escape(null)).isEmpty();
    }
}
