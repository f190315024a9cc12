package dev.agentguard.proxy.recordingsapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RecordingPathTest {

    @Test
    void theTwoFormsParse() throws Exception {
        assertThat(RecordingPath.parse("/agentguard/v1/recordings/agentguard-system/agent-bc2d"))
                .isEqualTo(new RecordingPath("agentguard-system", "agent-bc2d", false));
        assertThat(RecordingPath.parse("/agentguard/v1/recordings/agentguard-system/agent-bc2d/verification"))
                .isEqualTo(new RecordingPath("agentguard-system", "agent-bc2d", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/agentguard/v1/recordings/ns/..%2Fchain.jsonl", "/agentguard/v1/recordings/ns/%2e%2e",
            "/agentguard/v1/recordings/ns/a%00", "/agentguard/v1/recordings//ns/a", "/agentguard/v1/recordings/ns//a",
            "/agentguard/v1/recordings/ns/a/b", "/agentguard/v1/recordings/ns/a..b", "/agentguard/v1/recordings/ns/A",
            "/agentguard/v1/recordings/../a", "/agentguard/v1/recordings/ns/a/verification/",
            "/agentguard/v1/recordings/ns/", "/agentguard/v1/recordings/ns/chain.jsonl\u001b]0;x\u0007"})
    void anythingElseIs400(String path) {
        assertThatThrownBy(() -> RecordingPath.parse(path)).isInstanceOfSatisfying(RecordingPath.BadPath.class,
                e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).doesNotContain("\u001b");
                });
    }

    @Test
    void anotherAgentguardPathIs404() {
        assertThatThrownBy(() -> RecordingPath.parse("/agentguard/v1/other")).isInstanceOfSatisfying(
                RecordingPath.BadPath.class, e -> assertThat(e.code()).isEqualTo(404));
    }
}
