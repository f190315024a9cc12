package dev.agentguard.testing.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Resolves the shared control plane for {@link WithKubeApiServer} tests. */
public final class KubeApiServerExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KubeCluster.class || type == KubeApiServer.class || type == KubernetesClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        KubeApiServer server;
        try {
            server = KubeApiServer.shared();
        } catch (KubeStartException e) {
            throw new ParameterResolutionException("the test control plane did not start: " + e.getMessage(), e);
        }
        return parameter.getParameter().getType() == KubernetesClient.class ? server.admin() : server;
    }
}
