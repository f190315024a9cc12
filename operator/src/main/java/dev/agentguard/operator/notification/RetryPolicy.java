package dev.agentguard.operator.notification;

import java.time.Duration;

/** Whether to try a delivery again, and when. Pure, so the decisions are unit-tested. */
record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration attemptTimeout) {

    /** No wait grows past this, however many attempts are configured. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    enum Verdict {
        DELIVERED, RETRY, GIVE_UP
    }

    RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("notifications max-attempts must be at least 1, got " + maxAttempts);
        }
    }

    static RetryPolicy of(NotificationsConfig config) {
        return new RetryPolicy(config.maxAttempts(), config.initialBackoff(), config.attemptTimeout());
    }

    /**
     * After an attempt answered with this HTTP status. 2xx is delivered; 408, 429 and 5xx may pass;
     * any other answer (a redirect, which is not followed, or a 4xx) will not change by asking again.
     */
    Verdict afterStatus(int status, int attempt) {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        boolean transient_ = status == 408 || status == 429 || status >= 500;
        return transient_ && attempt < maxAttempts ? Verdict.RETRY : Verdict.GIVE_UP;
    }

    /** After an attempt that got no answer (refused, reset, timed out): worth another try while any are left. */
    Verdict afterError(int attempt) {
        return attempt < maxAttempts ? Verdict.RETRY : Verdict.GIVE_UP;
    }

    /** The wait after failed attempt {@code attempt} (1-based): initial, doubled each time, capped. */
    Duration backoff(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 1; i < attempt && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }
}
