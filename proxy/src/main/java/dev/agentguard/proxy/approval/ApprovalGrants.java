package dev.agentguard.proxy.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Fingerprints approved recently, each until its grant TTL ends. */
final class ApprovalGrants {

    private final Clock clock;
    private final Map<String, Instant> until = new ConcurrentHashMap<>();

    ApprovalGrants(Clock clock) {
        this.clock = clock;
    }

    boolean granted(String fingerprint) {
        Instant end = until.get(fingerprint);
        if (end == null) {
            return false;
        }
        if (clock.instant().isBefore(end)) {
            return true;
        }
        until.remove(fingerprint, end);
        return false;
    }

    void grant(String fingerprint, Duration ttl) {
        if (!ttl.isZero() && !ttl.isNegative()) {
            until.put(fingerprint, clock.instant().plus(ttl));
        }
    }
}
