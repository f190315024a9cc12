package dev.agentguard.proxy.pipeline;

import dev.agentguard.testing.apps.ShimProcess;
import java.io.IOException;
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
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * An agent as the proxy tests need it: an opted-in namespace, a ServiceAccount
 * with read access to pods, Secrets and ConfigMaps, create on ConfigMaps, and
 * create on token and port-forward (which the proxy must still refuse), a pod on the proxy's node,
 * and the packaged shim in front of the proxy holding that pod's bound token.
 */
final class AgentFixture implements AutoCloseable {

    private final KubernetesClient admin;
    private final String namespace;
    private final ShimProcess shim;

    private AgentFixture(KubernetesClient admin, String namespace, ShimProcess shim) {
        this.admin = admin;
        this.namespace = namespace;
        this.shim = shim;
    }

    static AgentFixture create(String namespace) {
        KubernetesClient admin = KubeApiServer.shared().admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels("agentguard.dev/inject", "enabled").endMetadata().build()).serverSideApply();
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("agent").endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata().withName("agent")
                .endMetadata().addNewRule().withApiGroups("").withResources("pods", "pods/log", "pods/exec", "secrets",
                        "configmaps")
                .withVerbs("get", "list", "watch").endRule()
                .addNewRule().withApiGroups("").withResources("serviceaccounts/token", "pods/portforward", "pods/exec", "configmaps")
                .withVerbs("create").endRule().build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("agent").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent")
                .addNewSubject().withKind("ServiceAccount").withName("agent").withNamespace(namespace).endSubject()
                .build()).serverSideApply();
        AgentFixture unstarted = new AgentFixture(admin, namespace, null);
        Pod pod = unstarted.pod("agent", ProxyTestResource.NODE);
        ShimProcess shim = ShimProcess.start("https://127.0.0.1:" + ProxyTestResource.port,
                ProxyTestResource.caFile, unstarted.boundToken(pod), namespace);
        return new AgentFixture(admin, namespace, shim);
    }

    /** The agent's kubeconfig: shim address, shim CA, placeholder token. */
    Path kubeconfig() throws IOException {
        return shim.agentKubeconfig();
    }

    ShimProcess shim() {
        return shim;
    }

    Pod pod(String name, String node) {
        return admin.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("app", name)).endMetadata().withNewSpec().withServiceAccountName("agent")
                .withNodeName(node).addNewContainer().withName("agent").withImage("registry.invalid/agent:1")
                .endContainer().endSpec().build()).serverSideApply();
    }

    String boundToken(Pod pod) {
        return admin.serviceAccounts().inNamespace(namespace).withName("agent").tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(3600L).withNewBoundObjectRef().withApiVersion("v1")
                .withKind("Pod").withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                .endBoundObjectRef().endSpec().build()).getStatus().getToken();
    }

    @Override
    public void close() throws InterruptedException {
        if (shim != null) {
            shim.close();
        }
        admin.namespaces().withName(namespace).delete();
    }
}
