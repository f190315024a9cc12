package dev.agentguard.operator.notification;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Who is told of new ApprovalRequests, and how hard the operator tries. Receivers are set by the
 * cluster admin here, never in policies: a receiver URL (a Slack webhook URL) is a secret, and a
 * namespace owner who could type URLs could make the operator call any address. Policies only name
 * receivers ({@code spec.approval.notify}).
 */
@ConfigMapping(prefix = "agentguard.operator.notifications")
public interface NotificationsConfig {

    /**
     * Receivers by name ({@code receivers.<name>.type|url|default}). Names are lowercase letters and
     * digits, so that {@code AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_<NAME>_URL} maps back to one name.
     */
    Map<String, ReceiverConfig> receivers();

    /**
     * Base URL of the approver console; a notification links to {@code <console-url>/approvals/<namespace>/<name>}.
     * Unset: no link.
     */
    Optional<String> consoleUrl();

    /** Deliveries waiting to be sent at most; when full, the oldest waiting one is dropped (and counted). */
    @WithDefault("1000")
    int queueCapacity();

    /** Deliveries being sent (including waiting for a retry) at once. */
    @WithDefault("8")
    int maxInFlight();

    /** Attempts per delivery, the first included. */
    @WithDefault("5")
    int maxAttempts();

    /** Wait before the first retry; doubled before each next one. */
    @WithDefault("200ms")
    Duration initialBackoff();

    /** How long one attempt may take, connecting included, before it counts as failed. */
    @WithDefault("5s")
    Duration attemptTimeout();

    interface ReceiverConfig {

        /** {@code json}: the payload as it is; {@code slack}: a Slack-compatible incoming webhook message. */
        Receiver.Type type();

        /** Where to POST. A secret (Slack's URL is the credential): never logged. */
        String url();

        /** Sent every request, whatever its policy names. */
        @WithName("default")
        @WithDefault("false")
        boolean isDefault();
    }
}
