package dev.agentguard.operator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Runs the operator under test as its Deployment runs it: against the shared
 * real kube-apiserver, with the CRDs installed, in agentguard-system, as its own
 * ServiceAccount with the RBAC shipped in {@code manifests/operator/rbac.yaml}.
 */
public class OperatorTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        KubeApiServer cluster = KubeApiServer.shared();
        KubeApiServer.ClientCertificate identity = AgentGuardInstall.componentCertificate(cluster, "operator");
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", cluster.url(),
                "quarkus.kubernetes-client.ca-cert-data", Base64.getEncoder().encodeToString(
                        cluster.caCertificatePem().getBytes(StandardCharsets.UTF_8)),
                "quarkus.kubernetes-client.client-cert-file", identity.certificate().toString(),
                "quarkus.kubernetes-client.client-key-file", identity.key().toString());
    }

    @Override
    public void stop() {
        // The control plane is shared by the test run.
    }
}
