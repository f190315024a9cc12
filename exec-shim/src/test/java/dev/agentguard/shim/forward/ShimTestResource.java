package dev.agentguard.shim.forward;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Lays out what the kubelet would give the shim: a pod of a ServiceAccount
 * that may read pods and ConfigMaps in its namespace, and that pod's bound token
 * in a file. Until the node proxy exists, the shim's upstream is the real
 * kube-apiserver.
 */
public class ShimTestResource implements QuarkusTestResourceLifecycleManager {

    static final String NAMESPACE = "shim-test";
    static final String SERVICE_ACCOUNT = "agent";
    static Path tokenFile;
    static Path credentialsDir;
    static int port;
    static Pod pod;

    @Override
    public Map<String, String> start() {
        KubeApiServer cluster = KubeApiServer.shared();
        var admin = cluster.admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).serverSideApply();
        admin.serviceAccounts().inNamespace(NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(SERVICE_ACCOUNT).endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(NAMESPACE).resource(new RoleBuilder().withNewMetadata()
                .withName("reader").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods", "configmaps")
                .withVerbs("get", "list", "watch").endRule().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(NAMESPACE).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("reader").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "reader")
                .addNewSubject().withKind("ServiceAccount").withName(SERVICE_ACCOUNT).withNamespace(NAMESPACE)
                .endSubject().build()).serverSideApply();
        pod = admin.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName("agent")
                .endMetadata().withNewSpec().withServiceAccountName(SERVICE_ACCOUNT).addNewContainer()
                .withName("agent").withImage("registry.invalid/agent:1").endContainer().endSpec().build())
                .serverSideApply();
        try {
            Path dir = Files.createTempDirectory("shim-it");
            tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, podBoundToken());
            credentialsDir = dir.resolve("credentials");
            Path upstreamCa = dir.resolve("apiserver-ca.crt");
            Files.writeString(upstreamCa, cluster.caCertificatePem());
            port = freePort();
            return Map.of(
                    "agentguard.shim.port", Integer.toString(port),
                    "agentguard.shim.upstream", cluster.url(),
                    "agentguard.shim.upstream-ca-file", upstreamCa.toString(),
                    "agentguard.shim.token-file", tokenFile.toString(),
                    "agentguard.shim.credentials-dir", credentialsDir.toString(),
                    "agentguard.pod.namespace", NAMESPACE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token bound to the pod, as the kubelet projects it. */
    static String podBoundToken() {
        var request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec().build();
        return KubeApiServer.shared().admin().serviceAccounts().inNamespace(NAMESPACE).withName(SERVICE_ACCOUNT)
                .tokenRequest(request).getStatus().getToken();
    }

    @Override
    public void stop() {
        KubeApiServer.shared().admin().namespaces().withName(NAMESPACE).delete();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
