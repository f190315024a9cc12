package dev.agentguard.proxy.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.policy.PolicyBundle;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What the proxy benchmarks share: the test control plane prepared for the proxy (CRDs,
 * its namespace and RBAC), an agent's namespace and pod, and the packaged proxy run as
 * its own process.
 */
final class BenchEnvironment {

    /**
     * The node of every benchmark pod and proxy. kwok keeps it Ready, so its pods stay: a pod
     * bound to a node that does not exist is deleted by kube-controller-manager's pod garbage
     * collector after 40 to 80 s, and a node without a kubelet turns NotReady and has its pods
     * evicted after 5 minutes. Either way the pod-bound token dies with the pod, and every
     * request after that answers 401, direct and proxied alike.
     */
    static final String NODE = KubeApiServer.KWOK_NODE;
    static final String AGENT = "agent";

    private BenchEnvironment() {
    }

    /** The CRDs, {@code agentguard-system} and the proxy's RBAC, as the chart installs them. */
    static void installProxyPrerequisites(KubeApiServer cluster) {
        AgentGuardInstall.component(cluster, "proxy");
    }

    /** A namespace with the ServiceAccount {@value #AGENT}, allowed exactly {@code rules}. */
    static void agentNamespace(KubernetesClient admin, String namespace, PolicyRule... rules) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).serverSideApply();
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(AGENT).endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata().withName(AGENT)
                .endMetadata().withRules(rules).build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
                .withName(AGENT).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", AGENT)
                .addNewSubject().withKind("ServiceAccount").withName(AGENT).withNamespace(namespace).endSubject()
                .build()).serverSideApply();
    }

    /** A pod of the {@value #AGENT} ServiceAccount on {@link #NODE}, where the benchmark's proxy serves. */
    static Pod pod(KubernetesClient admin, String namespace, String name) {
        return admin.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withServiceAccountName(AGENT).withNodeName(NODE).addNewContainer()
                .withName(name).withImage("registry.invalid/" + name + ":1").endContainer().endSpec().build())
                .serverSideApply();
    }

    /** A token of the pod's ServiceAccount bound to the pod, as the kubelet mounts it. */
    static String boundToken(KubernetesClient admin, Pod pod) {
        return admin.serviceAccounts().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getSpec().getServiceAccountName()).tokenRequest(new TokenRequestBuilder().withNewSpec()
                        .withExpirationSeconds(3600L).withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                        .endBoundObjectRef().endSpec().build())
                .getStatus().getToken();
    }

    static SSLContext trusting(String... pems) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < pems.length; i++) {
            store.setCertificateEntry("ca" + i, CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(pems[i].getBytes(StandardCharsets.US_ASCII))));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /**
     * The packaged proxy against the test control plane, ready. Extra JVM flags (a profiler,
     * say) come from the system property {@code bench.proxy.jvm}.
     *
     * @param settings further {@code AGENTGUARD_PROXY_*} environment variables
     */
    static ProxyProcess startProxy(KubeApiServer cluster, Map<String, String> settings) {
        publishEmptyBundleUnlessPublished(cluster.admin());
        String jvm = System.getProperty("bench.proxy.jvm", "").trim();
        ProxyProcess proxy = ProxyProcess.start(cluster, NODE, settings,
                jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+")));
        proxy.awaitReady(Duration.ofSeconds(90));
        return proxy;
    }

    /**
     * No operator runs here, and the proxy serves nothing before it has a policy bundle: an
     * empty one (the built-in rules only) is published, unless one is there already. In a
     * test run another test's publisher keeps the bundle up to date with its policies, and
     * overwriting it would take those policies away from that test.
     */
    private static void publishEmptyBundleUnlessPublished(KubernetesClient admin) {
        try {
            admin.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(PolicyBundle.NAME)
                    .withNamespace(AgentGuard.DEFAULT_SYSTEM_NAMESPACE).endMetadata()
                    .withData(PolicyBundle.build(List.of(), List.of()).data()).build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }
}
