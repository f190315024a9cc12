package dev.agentguard.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.agentguard.api.policy.PolicyBundle;

class PolicyStatusesTest {

    private static final BundleSize TOO_LARGE = new BundleSize(1_200_000, 1_048_576);

    @Test
    void tooLargeNamesBothSizesAndWhatStaysInForce() {
        PolicyBundle.Built kept = new PolicyBundle.Built("0123abcd", List.of(
                new PolicyBundle.Entry("AgentPolicy", "team", "p", 3L, Map.of())), Map.of());
        Publication publication = new Publication(kept, TOO_LARGE, kept);

        assertThat(PolicyStatuses.tooLarge(publication, 3L)).contains("1200000 bytes")
                .contains("limit of 1048576 bytes").contains("bundle 0123abcd, which has generation 3 of this policy");
        assertThat(PolicyStatuses.tooLarge(publication, null)).contains("which does not have this policy");
    }

    @Test
    void tooLargeWithNoBundleInForce() {
        PolicyBundle.Built built = new PolicyBundle.Built("ffff", List.of(), Map.of());

        assertThat(PolicyStatuses.tooLarge(new Publication(built, TOO_LARGE, null), null))
                .contains("the proxies keep the bundle they have");
    }
}
