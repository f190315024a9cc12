package dev.agentguard.operator.notification;

import static dev.agentguard.operator.notification.RetryPolicy.Verdict.DELIVERED;
import static dev.agentguard.operator.notification.RetryPolicy.Verdict.GIVE_UP;
import static dev.agentguard.operator.notification.RetryPolicy.Verdict.RETRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5));

    @Test
    void successIsDelivered() {
        assertThat(policy.afterStatus(200, 1)).isEqualTo(DELIVERED);
        assertThat(policy.afterStatus(204, 5)).isEqualTo(DELIVERED);
    }

    @Test
    void serverErrorsTimeoutsAndThrottlingAreRetriedWhileAttemptsRemain() {
        assertThat(policy.afterStatus(500, 1)).isEqualTo(RETRY);
        assertThat(policy.afterStatus(503, 4)).isEqualTo(RETRY);
        assertThat(policy.afterStatus(408, 1)).isEqualTo(RETRY);
        assertThat(policy.afterStatus(429, 1)).isEqualTo(RETRY);
        assertThat(policy.afterStatus(500, 5)).isEqualTo(GIVE_UP);
        assertThat(policy.afterError(1)).isEqualTo(RETRY);
        assertThat(policy.afterError(5)).isEqualTo(GIVE_UP);
    }

    @Test
    void otherClientErrorsAndRedirectsAreNotRetried() {
        assertThat(policy.afterStatus(400, 1)).isEqualTo(GIVE_UP);
        assertThat(policy.afterStatus(403, 1)).isEqualTo(GIVE_UP);
        assertThat(policy.afterStatus(404, 1)).isEqualTo(GIVE_UP);
        assertThat(policy.afterStatus(302, 1)).isEqualTo(GIVE_UP);
    }

    @Test
    void backoffDoublesFromTheInitialWaitAndIsCapped() {
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(1600));
        assertThat(policy.backoff(40)).isEqualTo(RetryPolicy.MAX_BACKOFF);
    }
}
