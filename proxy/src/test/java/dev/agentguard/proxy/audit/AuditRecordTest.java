package dev.agentguard.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The audit Event's shape, and what an agent can put in it: its URI and User-Agent are its own text. */
class AuditRecordTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void whatTheAgentSendsStaysInsideItsFieldsOnOneLine() throws Exception {
        String uri = "/api/v1/namespaces/x/pods?a=\"}\n{\"kind\":\"Event\",\"user\":{\"username\":\"admin\"}}";
        String agentSays = "kubectl\r\n{\"forged\":true}\u0000\u2028";
        String event = new AuditRecord("GET", uri, "10.0.0.7", agentSays).toEvent(401);

        assertThat(event).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u0000");
        JsonNode parsed = JSON.readTree(event);
        assertThat(parsed.path("requestURI").asText()).isEqualTo(uri);
        assertThat(parsed.path("userAgent").asText()).isEqualTo(agentSays);
        assertThat(parsed.at("/user/username").asText()).isEqualTo("system:anonymous");
        assertThat(parsed.path("verb").asText()).isEqualTo("get");
        assertThat(parsed.at("/responseStatus/code").asInt()).isEqualTo(401);
        assertThat(parsed.at("/annotations/agentguard.dev~1masked").asText()).isEqualTo("0");
    }

    @Test
    void aRequestTheAgentLeftHasNoResponseStatusAndSaysSo() throws Exception {
        JsonNode parsed = JSON.readTree(new AuditRecord("GET", "/api", "10.0.0.7", null).toEvent(AuditRecord.NO_RESPONSE));
        assertThat(parsed.has("responseStatus")).isFalse();
        assertThat(parsed.has("userAgent")).isFalse();
        assertThat(parsed.at("/annotations/agentguard.dev~1outcome").asText())
                .isEqualTo("agent disconnected before a response");
    }
}
