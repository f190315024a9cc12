package dev.agentguard.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BundleSizeTest {

    @Test
    void countsTheUtf8BytesOfTheValuesOnly() {
        // Keys do not count, as in the API server's ValidateConfigMap.
        BundleSize size = BundleSize.of(Map.of("version", "abc", "policies.json", "[]"));

        assertThat(size.bytes()).isEqualTo(5);
        assertThat(size.limit()).isEqualTo(1048576);
    }

    @Test
    void countsMultiByteCharactersAsTheirEncodedLength() {
        String text = "aé€😀"; // 1 + 2 + 3 + 4 bytes
        assertThat(BundleSize.utf8Length(text)).isEqualTo(10)
                .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aLoneSurrogateIsNeverUndercounted() {
        assertThat(BundleSize.utf8Length("\uD83D")).isEqualTo(3);
        assertThat(BundleSize.utf8Length("\uDE00x")).isEqualTo(4);
    }

    @Test
    void fitsUpToAndIncludingTheLimit() {
        assertThat(new BundleSize(1048576, 1048576).fits()).isTrue();
        assertThat(new BundleSize(1048577, 1048576).fits()).isFalse();
        assertThat(BundleSize.of(Map.of("policies.json", "x".repeat(1048576))).fits()).isTrue();
        assertThat(BundleSize.of(Map.of("version", "y", "policies.json", "x".repeat(1048576))).fits()).isFalse();
    }
}
