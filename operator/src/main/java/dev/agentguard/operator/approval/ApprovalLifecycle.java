package dev.agentguard.operator.approval;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;

/** The time rules of an ApprovalRequest, free of any client so they are easy to test. */
final class ApprovalLifecycle {

    private ApprovalLifecycle() {
    }

    static boolean pending(ApprovalRequest request) {
        ApprovalRequestStatus status = request.getStatus();
        return status == null || status.phase() == null || status.phase() == ApprovalPhase.Pending;
    }

    /** When a pending request becomes Expired: creation + wait + grace. */
    static Instant expiresAt(ApprovalRequest request, ApprovalsConfig config) {
        return holdEnds(request, config).plus(config.grace());
    }

    /** When the proxy stops holding the request and refuses it: creation + wait. */
    static Instant holdEnds(ApprovalRequest request, ApprovalsConfig config) {
        Integer wait = request.getSpec() == null ? null : request.getSpec().waitSeconds();
        Duration held = wait == null ? config.defaultWait() : Duration.ofSeconds(wait);
        return created(request).plus(held);
    }

    /** When a finished request is deleted: decision + retention (creation if it carries no decision time). */
    static Instant deleteAt(ApprovalRequest request, ApprovalsConfig config) {
        return decided(request).plus(config.retention());
    }

    static Instant decided(ApprovalRequest request) {
        Instant at = parse(request.getStatus() == null ? null : request.getStatus().decidedAt());
        return at == null ? created(request) : at;
    }

    static Instant created(ApprovalRequest request) {
        Instant at = parse(request.getMetadata().getCreationTimestamp());
        return at == null ? Instant.now() : at;
    }

    static Instant parse(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
