package dev.agentguard.proxy.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The agent the API benchmark acts as, with what it reads: ConfigMaps {@code cm-<i>} and
 * Secrets {@code s-<i>} in its own namespace, and its pod's bound token, the one the shim
 * would forward. Knows what each object holds, so every answer can be checked.
 */
record ApiAgent(String namespace, String token, int configMaps, int secrets) {

    /** Every ConfigMap's value and every Secret's password: the size of a typical config entry. */
    static final String PAYLOAD = "x".repeat(512);

    static ApiAgent create(KubeApiServer cluster, String namespace, int configMaps, int secrets) {
        KubernetesClient admin = cluster.admin();
        BenchEnvironment.agentNamespace(admin, namespace, new PolicyRuleBuilder().withApiGroups("")
                .withResources("configmaps", "secrets").withVerbs("get", "list").build());
        for (int i = 0; i < configMaps; i++) {
            admin.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("cm-" + i).endMetadata().addToData("value", PAYLOAD).build()).serverSideApply();
        }
        for (int i = 0; i < secrets; i++) {
            admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("s-" + i)
                    .endMetadata().addToStringData("password", PAYLOAD).addToStringData("user", user(i)).build())
                    .serverSideApply();
        }
        Pod pod = BenchEnvironment.pod(admin, namespace, BenchEnvironment.AGENT);
        return new ApiAgent(namespace, BenchEnvironment.boundToken(admin, pod), configMaps, secrets);
    }

    /** Without the token: a report or a failure message never carries a credential. */
    @Override
    public String toString() {
        return "ApiAgent[" + namespace + ", " + configMaps + " ConfigMaps, " + secrets + " Secrets]";
    }

    static String user(int secret) {
        return "agent-" + secret;
    }

    static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    String configMapPath(String name) {
        return "/api/v1/namespaces/" + namespace + "/configmaps/" + name;
    }

    String configMapsPath() {
        return "/api/v1/namespaces/" + namespace + "/configmaps";
    }

    String secretsPath() {
        return "/api/v1/namespaces/" + namespace + "/secrets";
    }
}
