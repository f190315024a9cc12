package dev.agentguard.operator.notification;

/**
 * One notification for one receiver.
 *
 * @param request  the ApprovalRequest's name, for logs and nothing else
 * @param body     the JSON to POST, already in the receiver's format
 * @param queuedAt {@link System#nanoTime()} when queued, for the delivery latency
 */
record Delivery(Receiver receiver, String request, String body, long queuedAt) {
}
