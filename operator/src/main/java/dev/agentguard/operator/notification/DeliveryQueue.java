package dev.agentguard.operator.notification;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Deliveries waiting to be sent, at most {@code capacity}. When full, the oldest waiting delivery
 * is dropped to make room: it is about the request closest to the end of its hold, so the least
 * useful to an approver, while refusing the newest would drop the one they could still act on.
 * The caller counts what is dropped.
 */
final class DeliveryQueue<T> {

    private final int capacity;
    private final ArrayDeque<T> waiting = new ArrayDeque<>();

    DeliveryQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds one; returns the delivery dropped to make room, if any. */
    synchronized Optional<T> offer(T delivery) {
        T dropped = waiting.size() >= capacity ? waiting.pollFirst() : null;
        waiting.addLast(delivery);
        return Optional.ofNullable(dropped);
    }

    /** The oldest waiting delivery, or null. */
    synchronized T poll() {
        return waiting.pollFirst();
    }

    synchronized int size() {
        return waiting.size();
    }
}
