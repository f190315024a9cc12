package dev.agentguard.demo.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.agentguard.demo.Narrator;
import dev.agentguard.demo.Wait;
import dev.agentguard.demo.cluster.DemoCluster;
import dev.agentguard.demo.cluster.Kubectl;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.apps.ShimProcess;
import dev.agentguard.testing.kube.MountedVolume;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;

/**
 * What a cluster admin sets up for an agent, done the way they would with kubectl: an opted-in
 * namespace, the baseline policy, a database with its credentials in a Secret, a Deployment, and
 * the agent's pod with its RBAC. Then the shim the webhook injected into that pod, run as a local
 * process with the pod's own token and the proxy CA the operator published in the namespace.
 */
public final class AgentWorkspace implements AutoCloseable {

    public static final String NAMESPACE = "demo";
    public static final String AGENT = "agent";

    private final ShimProcess shim;
    private final MountedVolume proxyCa;

    private AgentWorkspace(ShimProcess shim, MountedVolume proxyCa) {
        this.shim = shim;
        this.proxyCa = proxyCa;
    }

    public static AgentWorkspace create(DemoCluster cluster, Kubectl admin, ProxyProcess proxy, Narrator out,
            Path work, Duration wait) {
        out.step("A cluster admin opts a namespace in and applies the baseline policy");
        show(out, admin, null, "create", "namespace", NAMESPACE);
        show(out, admin, null, "label", "namespace", NAMESPACE, "agentguard.dev/inject=enabled");
        String baseline = read(RepoFiles.find("examples/policies/baseline.yaml"));
        // The validating webhook checks policies; the API server may need a moment for the new caBundle.
        out.command("admin", "kubectl apply -f examples/policies/baseline.yaml");
        Wait.until("the baseline policy accepted", wait, () -> admin.run(baseline, "apply", "-f", "-").ok());
        Wait.until("the baseline policy Ready on every proxy", wait, () -> "True".equals(admin.run(null, "get",
                "clusteragentpolicy", "baseline", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
                .stdout().trim()));
        show(out, admin, null, "get", "clusteragentpolicy", "baseline");
        out.allowed("the operator compiled it and every node proxy loaded it");

        out.step("The agent's world: a database, its credentials, a Deployment, and the agent's pod");
        String node = cluster.node();
        String objects = """
                apiVersion: v1
                kind: Secret
                metadata: {name: db-credentials, namespace: %1$s}
                stringData: {username: orders, password: hunter2-orders-prod}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: postgres, namespace: %1$s, labels: {app: postgres}}
                spec:
                  nodeName: %2$s
                  containers: [{name: postgres, image: postgres:17}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: reports, namespace: %1$s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: reports}}
                  template:
                    metadata: {labels: {app: reports}}
                    spec:
                      nodeName: %2$s
                      containers: [{name: reports, image: registry.example/reports:1}]
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: %3$s, namespace: %1$s}
                ---
                # The agent's own RBAC lets it do all of this; agentguard decides on top of it.
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: %3$s, namespace: %1$s}
                rules:
                  - {apiGroups: [""], resources: [pods, secrets], verbs: [get, list]}
                  - {apiGroups: [""], resources: [pods/exec], verbs: [create, get]}
                  - {apiGroups: [apps], resources: [deployments], verbs: [get, list, delete]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: %3$s, namespace: %1$s}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: %3$s}
                subjects: [{kind: ServiceAccount, name: %3$s, namespace: %1$s}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: %3$s, namespace: %1$s}
                spec:
                  serviceAccountName: %3$s
                  nodeName: %2$s
                  containers: [{name: agent, image: registry.example/coding-agent:1}]
                """.formatted(NAMESPACE, node, AGENT);
        out.command("admin", "kubectl apply -f -   # Secret db-credentials, Pod postgres, Deployment reports,"
                + " the agent's ServiceAccount, Role, RoleBinding and Pod");
        Wait.until("the agent's objects admitted", wait, () -> admin.run(objects, "apply", "-f", "-").ok());
        var pods = cluster.admin().pods().inNamespace(NAMESPACE);
        Wait.until("the agent's pod running", wait,
                () -> "Running".equals(pods.withName(AGENT).get().getStatus().getPhase()));
        Pod agent = pods.withName(AGENT).get();
        Container injected = agent.getSpec().getInitContainers().stream()
                .filter(c -> c.getName().equals("agentguard-shim")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the webhook did not inject the agent's pod"));
        out.allowed("the webhook injected the agentguard-shim sidecar into the agent's pod ("
                + injected.getImage() + ")");
        out.say("and rewrote its credentials: the agent's token is a placeholder the API server refuses;"
                + " only the shim holds the pod's real token");

        MountedVolume proxyCa = MountedVolume.configMap(cluster.admin(), NAMESPACE, "agentguard-proxy-ca",
                work.resolve("agent-proxy-ca"));
        try {
            Wait.until("the proxy CA in the agent's namespace", wait, () -> Files.exists(proxyCa.path("ca.crt")));
            ShimProcess shim = ShimProcess.start("https://127.0.0.1:" + proxy.port(), proxyCa.path("ca.crt"),
                    boundToken(cluster, agent), NAMESPACE,
                    Map.of("AGENTGUARD_SHIM_UPSTREAM_SERVER_NAME", env(injected, "AGENTGUARD_SHIM_UPSTREAM_SERVER_NAME")),
                    List.of());
            return new AgentWorkspace(shim, proxyCa);
        } catch (RuntimeException e) {
            proxyCa.close();
            throw e;
        }
    }

    /** The agent's kubeconfig: what its in-cluster client sees (the shim, the shim's CA, the placeholder token). */
    public Path agentKubeconfig() {
        return shim.agentKubeconfig();
    }

    public ShimProcess shim() {
        return shim;
    }

    @Override
    public void close() {
        shim.close();
        proxyCa.close();
    }

    private static void show(Narrator out, Kubectl admin, String stdin, String... args) {
        out.command("admin", "kubectl " + String.join(" ", args));
        out.output(admin.ok(stdin, args));
    }

    /** The pod's projected token, as the kubelet mints it: bound to the pod, so the proxy knows which pod asks. */
    private static String boundToken(DemoCluster cluster, Pod pod) {
        return cluster.admin().serviceAccounts().inNamespace(NAMESPACE).withName(AGENT)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(86400L)
                        .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                        .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                        .endBoundObjectRef().endSpec().build())
                .getStatus().getToken();
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new IllegalStateException("the injected shim has no " + name));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
