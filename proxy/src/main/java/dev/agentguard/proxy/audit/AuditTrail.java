package dev.agentguard.proxy.audit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Emits one audit Event per request on the {@value #CHANNEL} channel (SmallRye
 * Reactive Messaging). The embedded {@link AuditLogWriter} consumes it by
 * default; other connectors (e.g. Kafka) can be configured for the same events.
 */
@ApplicationScoped
public class AuditTrail {

    public static final String CHANNEL = "audit-events";

    private final Emitter<String> emitter;

    public AuditTrail(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
            Emitter<String> emitter) {
        this.emitter = emitter;
    }

    public void completed(AuditRecord record, int code) {
        emitter.send(record.toEvent(code));
    }
}
