package dev.agentguard.shim.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import dev.agentguard.shim.forward.ShimServer;

/**
 * Up once the agent's credentials are written and the shim serves them. The
 * injected startup probe uses it, so the agent containers start only then.
 */
@Startup
@Readiness
@ApplicationScoped
public class ShimHealth implements HealthCheck {

    private final ShimServer server;

    public ShimHealth(ShimServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("agentguard-shim").status(server.ready()).build();
    }
}
