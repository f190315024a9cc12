package dev.agentguard.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void aSnapshotIsTaggedWithTheVersionItWillBeReleasedAs() {
        assertThat(ImageReference.of("ghcr.io/agentguard", "proxy", "0.1.0-SNAPSHOT"))
                .hasToString("ghcr.io/agentguard/proxy:0.1.0");
    }

    @Test
    void aReleaseIsTaggedWithItsVersion() {
        assertThat(ImageReference.of("registry.example/sec", "exec-shim", "1.2.3"))
                .hasToString("registry.example/sec/exec-shim:1.2.3");
    }
}
