package dev.agentguard.operator.approval;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the operator ends ApprovalRequests. */
@ConfigMapping(prefix = "agentguard.operator.approvals")
public interface ApprovalsConfig {

    /** Time after a request's wait ends before the operator marks it Expired, so the proxy refuses it first. */
    @WithDefault("30s")
    Duration grace();

    /** Wait assumed when a request has no spec.waitSeconds (the proxy's default). */
    @WithDefault("300s")
    Duration defaultWait();

    /** How long finished (Approved, Denied, Expired) requests are kept, counted from their decision. */
    @WithDefault("24h")
    Duration retention();
}
