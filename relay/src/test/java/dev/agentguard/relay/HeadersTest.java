package dev.agentguard.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;

class HeadersTest {

    @Test
    void theAgentsAuthorizationAndHopByHopHeadersNeverLeaveWhateverTheirCase() {
        MultiMap from = MultiMap.caseInsensitiveMultiMap().add("AUTHORIZATION", "Bearer placeholder")
                .add("Host", "kubernetes.default.svc").add("KEEP-ALIVE", "timeout=5").add("Accept", "application/json");
        MultiMap to = MultiMap.caseInsensitiveMultiMap();
        Headers.copyRequest(from, to, false);
        assertThat(to.names()).containsExactly("Accept");
    }

    /** In a Turkish locale "AUTHORIZATION".toLowerCase() has a dotless i; headers are ASCII. */
    @Test
    void headerNamesAreFoldedTheSameInEveryLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            theAgentsAuthorizationAndHopByHopHeadersNeverLeaveWhateverTheirCase();
            MultiMap upgrade = MultiMap.caseInsensitiveMultiMap().add("Connection", "UPGRADE").add("Upgrade", "websocket");
            assertThat(Headers.isUpgrade(upgrade)).isTrue();
        } finally {
            Locale.setDefault(before);
        }
    }
}
