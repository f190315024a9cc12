package dev.agentguard.proxy.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.agentguard.proxy.audit.AuditRecord;
import io.micrometer.core.instrument.Timer;

/**
 * Prometheus metrics of the proxy (at {@code /q/metrics}): requests by decision
 * and response code class, request latency through the proxy, masked values.
 */
@ApplicationScoped
public class ProxyMetrics {

    private final MeterRegistry registry;
    private final Counter maskedValues;
    // Per-request path: each counter and timer is built once per tag combination, then found by
    // a map lookup, rather than the registry building an id from tags on every request.
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();

    private record RequestKey(String decision, String codeClass) {
    }

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.maskedValues = Counter.builder("agentguard.proxy.masked.values")
                .description("Values replaced by the masker").register(registry);
    }

    /** One finished request; decision is Allow, Deny, RequireApproval, or None when refused before policy. */
    public void request(String decision, int code, Duration latency) {
        String codeClass = code == AuditRecord.NO_RESPONSE ? "none" : (code / 100) + "xx";
        requests.computeIfAbsent(new RequestKey(decision, codeClass), k -> registry.counter("agentguard.proxy.requests",
                "decision", k.decision(), "code", k.codeClass())).increment();
        durations.computeIfAbsent(decision, d -> Timer.builder("agentguard.proxy.request.duration")
                .description("Time from request to response end").tag("decision", d)
                .publishPercentileHistogram().register(registry)).record(latency);
    }

    public void masked(int values) {
        maskedValues.increment(values);
    }

    /** One finished exec or attach session. */
    public void session(boolean terminated, long bytesOut, int blockedCommands) {
        registry.counter("agentguard.proxy.sessions", "outcome", terminated ? "terminated" : "completed")
                .increment();
        registry.counter("agentguard.proxy.session.output.bytes").increment(bytesOut);
        registry.counter("agentguard.proxy.session.blocked.commands").increment(blockedCommands);
    }

    /**
     * One request to the recordings endpoint; kind is recording or verification, outcome is served,
     * bad-request, unauthenticated, forbidden, not-found, method-not-allowed or error.
     */
    public void recordingFetch(String kind, String outcome) {
        registry.counter("agentguard.proxy.recording.fetches", "kind", kind, "outcome", outcome).increment();
    }
}
