package dev.agentguard.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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
        var admin = cluster.admin();
        check(cluster.kubectl(null, "apply", "--server-side", "-f", RepoFiles.find("manifests/crds").toString()));
        check(cluster.kubectl(null, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/agentpolicies.agentguard.dev", "crd/clusteragentpolicies.agentguard.dev",
                "crd/approvalrequests.agentguard.dev", "crd/agentsessions.agentguard.dev"));
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("agentguard-system")
                .endMetadata().build()).serverSideApply();
        Path rbac = RepoFiles.find("manifests/operator/rbac.yaml");
        String token;
        if (Files.exists(rbac)) {
            try (InputStream in = Files.newInputStream(rbac)) {
                admin.load(in).serverSideApply();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            token = cluster.tokenFor("agentguard-system", "agentguard-operator");
        } else {
            throw new IllegalStateException(rbac + " is missing");
        }
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", cluster.url(),
                "quarkus.kubernetes-client.ca-cert-data", Base64.getEncoder().encodeToString(
                        cluster.caCertificatePem().getBytes(StandardCharsets.UTF_8)),
                "quarkus.kubernetes-client.token", token);
    }

    @Override
    public void stop() {
        // The control plane is shared by the test run.
    }

    private static void check(KubeApiServer.KubectlResult result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kubectl failed: " + result.stderr());
        }
    }
}
