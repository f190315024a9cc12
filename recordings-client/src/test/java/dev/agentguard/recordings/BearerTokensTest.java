package dev.agentguard.recordings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;

class BearerTokensTest {

    @Test
    void aTokenUserPassesItsToken() {
        assertThat(BearerTokens.of(new ConfigBuilder(Config.empty()).withOauthToken("t0ken").build())).isEqualTo("t0ken");
    }

    @Test
    void aClientCertificateUserIsToldInOneLine() {
        Config config = new ConfigBuilder(Config.empty()).withClientCertData("Y2VydA==").build();
        assertThatThrownBy(() -> BearerTokens.of(config)).isInstanceOf(RecordingException.class)
                .hasMessageStartingWith("recordings need a bearer token; your kubeconfig authenticates with a client"
                        + " certificate")
                .hasMessageNotContaining("\n");
    }

    @Test
    void noCredentialAtAllIsSaidToo() {
        assertThatThrownBy(() -> BearerTokens.of(Config.empty())).hasMessageContaining("has none");
    }
}
