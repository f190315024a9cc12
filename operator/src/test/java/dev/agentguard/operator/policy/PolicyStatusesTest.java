package dev.agentguard.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.api.v1alpha1.PolicyStatus;

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

    @Test
    void receiversNamedButNotConfiguredAreACondition() {
        PolicyStatus ready = PolicyStatuses.next(null, 2, true, PolicyStatuses.APPLIED, "in force", "1/1");
        PolicyStatus next = PolicyStatuses.withReceivers(ready, null, 2, List.of("ops", "nosuch"), Set.of("ops"));

        assertThat(next.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .containsExactly("Ready=True", "NotifyReceiversKnown=False");
        assertThat(next.getConditions().get(1).getReason()).isEqualTo("UnknownReceivers");
        assertThat(next.getConditions().get(1).getMessage()).contains("nosuch").doesNotContain("ops,");

        PolicyStatus fixed = PolicyStatuses.withReceivers(
                PolicyStatuses.next(next, 2, true, PolicyStatuses.APPLIED, "in force", "1/1"), next, 2,
                List.of("ops"), Set.of("ops"));
        assertThat(fixed.getConditions().get(1).getStatus()).isEqualTo("True");
        assertThat(PolicyStatuses.same(next, fixed)).isFalse();
    }

    @Test
    void noConditionWhenThePolicyNamesNoReceivers() {
        PolicyStatus ready = PolicyStatuses.next(null, 1, true, PolicyStatuses.APPLIED, "in force", "1/1");
        assertThat(PolicyStatuses.withReceivers(ready, null, 1, null, Set.of()).getConditions()).hasSize(1);
        assertThat(PolicyStatuses.withReceivers(ready, null, 1, List.of(), Set.of()).getConditions()).hasSize(1);
    }
}
