package dev.agentguard.operator.notification;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The notification meters on /q/metrics. Tags hold only configured receiver names (the admin's, so a
 * bounded set), never names from policies, which anyone who writes a policy could make up.
 */
@ApplicationScoped
public class NotificationMetrics {

    static final String NOTIFICATIONS = "agentguard.operator.notifications";
    static final String DELIVERY = "agentguard.operator.notifications.delivery";
    static final String QUEUE = "agentguard.operator.notifications.queue.size";
    static final String UNKNOWN = "agentguard.operator.notifications.unknown.receivers";

    enum Outcome {
        delivered, failed, dropped
    }

    private final MeterRegistry registry;

    NotificationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers a receiver's counters at zero, so alerts on them work before the first failure. */
    void receiver(Receiver receiver) {
        for (Outcome outcome : Outcome.values()) {
            counter(receiver, outcome);
        }
    }

    void count(Receiver receiver, Outcome outcome) {
        counter(receiver, outcome).increment();
    }

    /** From queued to accepted by the receiver, retries included. */
    void delivered(Receiver receiver, Duration latency) {
        count(receiver, Outcome.delivered);
        Timer.builder(DELIVERY).description("Time from a notification being queued to its receiver accepting it")
                .tag("receiver", receiver.name()).register(registry).record(latency);
    }

    void unknownReceivers(int names) {
        Counter.builder(UNKNOWN).description("Receiver names in policies' spec.approval.notify that no receiver has")
                .register(registry).increment(names);
    }

    void queueSize(Supplier<Number> size) {
        Gauge.builder(QUEUE, size).description("Notifications waiting to be sent").strongReference(true)
                .register(registry);
    }

    private Counter counter(Receiver receiver, Outcome outcome) {
        return Counter.builder(NOTIFICATIONS).description("Notifications of new approval requests, by outcome")
                .tag("receiver", receiver.name()).tag("outcome", outcome.name()).register(registry);
    }
}
