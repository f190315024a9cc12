package dev.agentguard.proxy.pipeline;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once policies are loaded and the shim-facing listener serves. */
@Readiness
@ApplicationScoped
public class ProxyHealth implements HealthCheck {

    private final ProxyServer server;

    public ProxyHealth(ProxyServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("agentguard-proxy").status(server.ready()).build();
    }
}
