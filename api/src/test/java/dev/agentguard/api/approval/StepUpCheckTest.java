package dev.agentguard.api.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.agentguard.api.v1alpha1.StepUp;

/** The step-up decision from the user extra the API server mapped from the approver's token. */
class StepUpCheckTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final long NOW_S = NOW.getEpochSecond();
    private static final StepUp FRESH = new StepUp(300, null);

    @Test
    void noRequirementNeedsNothing() {
        assertThat(StepUpCheck.refusal(null, Map.of(), NOW)).isEmpty();
        assertThat(StepUpCheck.refusal(FRESH, null, NOW)).isPresent();
    }

    @Test
    void aLoginExactlyMaxAgeOldIsFreshEnoughOneSecondMoreIsNot() {
        assertThat(refusal(FRESH, authTime(NOW_S - 300))).isEmpty();
        assertThat(refusal(FRESH, authTime(NOW_S - 301))).contains(
                "this policy requires a login within 300s to approve; your login is 301s old; log in again (max_age=300)");
        assertThat(refusal(FRESH, authTime(NOW_S - 1234))).get().asString().contains("your login is 1234s old");
    }

    @Test
    void aLoginTimeSlightlyAheadIsClockSkewFurtherAheadIsRefused() {
        long skew = StepUpCheck.CLOCK_SKEW.toSeconds();
        assertThat(refusal(FRESH, authTime(NOW_S + skew))).isEmpty();
        assertThat(refusal(FRESH, authTime(NOW_S + skew + 1))).contains("this policy requires a login within 300s"
                + " to approve; your login time is " + (skew + 1) + "s in the future: check the clocks of the OIDC"
                + " provider and the cluster");
    }

    @Test
    void noLoginTimeIsRefusedSayingWhy() {
        // A client certificate or ServiceAccount: no extra at all; an OIDC token without auth_time: no key.
        for (Map<String, List<String>> extra : List.of(Map.<String, List<String>> of(),
                Map.of(StepUpCheck.AUTH_TIME_EXTRA, List.<String> of()), Map.of(StepUpCheck.ACR_EXTRA, List.of("1")))) {
            assertThat(refusal(FRESH, extra)).get().asString().startsWith("this policy requires a login within 300s to"
                    + " approve; your credentials carry no login time (OIDC auth_time)");
        }
    }

    @Test
    void aMalformedOrAmbiguousLoginTimeIsRefused() {
        for (String bad : List.of("", "-5", "1.7e9", "1764676800.5", " 1764676800", "soon", "9999999999999")) {
            assertThat(refusal(FRESH, Map.of(StepUpCheck.AUTH_TIME_EXTRA, List.of(bad)))).as(bad).get().asString()
                    .contains("is not decimal seconds since the epoch");
        }
        assertThat(refusal(FRESH, Map.of(StepUpCheck.AUTH_TIME_EXTRA,
                List.of(String.valueOf(NOW_S), String.valueOf(NOW_S - 1000))))).get().asString()
                .contains("your credentials carry 2 login times in agentguard.dev/auth-time, expected one");
    }

    @Test
    void acrMustBeOneOfTheAcceptedValues() {
        StepUp gold = new StepUp(null, List.of("gold", "platinum"));
        assertThat(refusal(gold, acr("gold"))).isEmpty();
        assertThat(refusal(gold, acr("platinum"))).isEmpty();
        assertThat(refusal(gold, acr("1"))).contains("this policy requires a login with acr gold or platinum to"
                + " approve; your login has acr 1: log in again with a stronger method (acr_values=gold platinum)");
        assertThat(refusal(gold, Map.of())).get().asString()
                .contains("your credentials carry no acr (OIDC acr): log in again with one of them");
        assertThat(refusal(gold, Map.of(StepUpCheck.ACR_EXTRA, List.of("1", "gold")))).get().asString()
                .contains("your credentials carry 2 acr values in agentguard.dev/acr, expected one");
        // acr alone does not need a login time.
        assertThat(refusal(new StepUp(null, List.of()), Map.of())).isEmpty();
    }

    @Test
    void bothMustHoldAndAgeIsToldFirst() {
        StepUp both = new StepUp(60, List.of("gold"));
        assertThat(refusal(both, Map.of(StepUpCheck.AUTH_TIME_EXTRA, List.of(String.valueOf(NOW_S - 10)),
                StepUpCheck.ACR_EXTRA, List.of("gold")))).isEmpty();
        assertThat(refusal(both, Map.of(StepUpCheck.AUTH_TIME_EXTRA, List.of(String.valueOf(NOW_S - 61)),
                StepUpCheck.ACR_EXTRA, List.of("1")))).get().asString().contains("your login is 61s old");
        assertThat(refusal(both, Map.of(StepUpCheck.AUTH_TIME_EXTRA, List.of(String.valueOf(NOW_S - 10)),
                StepUpCheck.ACR_EXTRA, List.of("1")))).get().asString().contains("your login has acr 1");
    }

    private static Optional<String> refusal(StepUp required, Map<String, List<String>> extra) {
        return StepUpCheck.refusal(required, extra, NOW);
    }

    private static Map<String, List<String>> authTime(long seconds) {
        return Map.of(StepUpCheck.AUTH_TIME_EXTRA, List.of(String.valueOf(seconds)));
    }

    private static Map<String, List<String>> acr(String value) {
        return Map.of(StepUpCheck.ACR_EXTRA, List.of(value));
    }
}
