package dev.agentguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.testing.chart.Helm;
import dev.agentguard.testing.chart.RenderedContainer;
import dev.agentguard.testing.apps.OperatorProcess;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.apps.ShimProcess;
import dev.agentguard.testing.apps.WebhookProcess;
import dev.agentguard.testing.kube.HostEndpoint;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.MountedVolume;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The chart as a cluster admin uses it, against the real test API server, with the packaged
 * components running as local processes configured only by what the chart rendered (each
 * container's env and mounted Secrets, its ServiceAccount's token and RBAC):
 * helm install → the operator issues the certificates and fills every caBundle → the API
 * server calls the webhook through the chart's Service (an EndpointSlice at this host's
 * address stands in for its pods) → a pod in an opted-in namespace is injected, and the
 * agent's request through its shim and the node proxy is refused by a policy, and one held for
 * approval is recorded in the release namespace and expired there by the operator → helm upgrade
 * with a changed value keeps admission working → helm uninstall's pre-delete hook (run here as
 * its pod would be) deletes the webhook configurations while the webhook still runs, and pod
 * creation in an opted-in namespace works once the components are gone. Installed in a namespace
 * other than the default agentguard-system: every component follows the release namespace.
 */
class ChartInstallIT {

    /** The release namespace; not agentguard-system, the components' default, which must not matter. */
    private static final String SYSTEM = "chart-system";
    private static final String RELEASE = "agentguard";
    private static final String AGENTS = "chart-agents";
    private static final String AFTER_UNINSTALL = "chart-after-uninstall";
    private static final String WEBHOOK = "agentguard-webhook";
    private static final String SLICE = WEBHOOK + "-chart-it";
    /** The pre-delete hook's Job, ServiceAccount and RBAC. */
    private static final String HOOK = "agentguard-uninstall";
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final KubeApiServer cluster = KubeApiServer.shared();
    private final KubernetesClient admin = cluster.admin();
    private final Helm helm = Helm.against(cluster);

    @AfterEach
    void removeTheRelease() {
        // After a failure midway: fail-closed webhooks with nothing behind them would refuse the
        // pods of every later test in this JVM. Not found (the test uninstalled) is fine.
        // No hooks: nothing here would run the hook's pod, and helm would wait for it.
        helm.run("uninstall", RELEASE, "-n", SYSTEM, "--no-hooks");
        admin.batch().v1().jobs().inNamespace(SYSTEM).withName(HOOK).delete();
        admin.pods().inNamespace(SYSTEM).withLabel("batch.kubernetes.io/job-name", HOOK).delete();
        admin.serviceAccounts().inNamespace(SYSTEM).withName(HOOK).delete();
        admin.rbac().clusterRoleBindings().withName(HOOK).delete();
        admin.rbac().clusterRoles().withName(HOOK).delete();
        // And whatever an uninstall might have left (the failure this test looks for).
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOK).delete();
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName("agentguard-approvals").delete();
        admin.admissionRegistration().v1().validatingWebhookConfigurations().withName(WEBHOOK).delete();
        admin.discovery().v1().endpointSlices().inNamespace(SYSTEM).withName(SLICE).delete();
        admin.namespaces().withName(AGENTS).delete();
        admin.namespaces().withName(AFTER_UNINSTALL).delete();
    }

    @Test
    void installEnforcesUpgradeKeepsAdmissionUninstallLeavesPodCreationWorking() throws Exception {
        Path work = Files.createTempDirectory("chart-install-it");
        String notes = helm.ok("install", RELEASE, Helm.chart().toString(), "-n", SYSTEM, "--create-namespace");
        assertThat(notes).as("the install notes").contains("kubectl label namespace <name> agentguard.dev/inject=enabled",
                "sed 's/agentguard-system/" + SYSTEM + "/' examples/policies/baseline.yaml | kubectl apply -f -",
                "kubectl get agentsessions -A", "kubectl -n " + SYSTEM + " get approvalrequests")
                .doesNotContain("WARNING");
        everyReleasedObjectExists();
        webhooksPointAtTheRenderedService();

        PodSpec operatorPod = admin.apps().deployments().inNamespace(SYSTEM).withName("agentguard-operator").get()
                .getSpec().getTemplate().getSpec();
        PodSpec webhookPod = admin.apps().deployments().inNamespace(SYSTEM).withName(WEBHOOK).get()
                .getSpec().getTemplate().getSpec();
        PodSpec proxyPod = admin.apps().daemonSets().inNamespace(SYSTEM).withName("agentguard-proxy").get()
                .getSpec().getTemplate().getSpec();
        try (RenderedContainer operatorContainer = rendered(operatorPod, "operator", work);
                OperatorProcess operator = OperatorProcess.start(cluster, token(operatorPod),
                        operatorContainer.environment());
                RenderedContainer webhookContainer = rendered(webhookPod, "webhook", work).awaitVolumes(WAIT);
                WebhookProcess webhook = WebhookProcess.start(cluster, token(webhookPod),
                        webhookContainer.environment());
                RenderedContainer proxyContainer = rendered(proxyPod, "proxy", work).awaitVolumes(WAIT);
                ProxyProcess proxy = ProxyProcess.start(cluster, token(proxyPod), proxyContainer.environment(),
                        null, List.of())) {
            // The chart's Service resolves to its EndpointSlices; one at this host stands in for the webhook's pods.
            HostEndpoint.expose(admin, SYSTEM, WEBHOOK, SLICE, "https", webhook.port());
            await("the operator fills in every webhook's caBundle").atMost(WAIT).until(this::everyCaBundleFilled);
            proxy.awaitReady(WAIT);

            optIn(AGENTS);
            Pod agent = agentPod();
            Container shimContainer = agent.getSpec().getInitContainers().stream()
                    .filter(c -> c.getName().equals("agentguard-shim")).findFirst()
                    .orElseThrow(() -> new AssertionError("agent pod not injected: " + agent.getSpec()));
            assertThat(shimContainer.getImage()).as("the shim image from the chart's image values")
                    .isEqualTo("ghcr.io/agentguard/exec-shim:0.1.0");
            assertThat(env(shimContainer, "AGENTGUARD_SHIM_UPSTREAM")).endsWith(":9443");
            agentRequestsAreEnforced(work, proxy, agent, env(shimContainer, "AGENTGUARD_SHIM_UPSTREAM_SERVER_NAME"));

            helm.ok("upgrade", RELEASE, Helm.chart().toString(), "-n", SYSTEM, "--set", "webhook.timeoutSeconds=7");
            assertThat(admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WEBHOOK).get()
                    .getWebhooks().get(0).getTimeoutSeconds()).as("the upgrade reached the configuration").isEqualTo(7);
            // Whether the upgrade kept caBundle or the operator repaired it, admission works again.
            assertThat(injected(admitted(AGENTS, pod("after-upgrade")))).as("a pod injected after the upgrade").isTrue();

            uninstallRemovesTheWebhookConfigurationsFirst(work);
        }
        // The components are gone, as their pods are after an uninstall; so is what stood in for the pods' endpoints.
        admin.discovery().v1().endpointSlices().inNamespace(SYSTEM).withName(SLICE).delete();
        assertThat(agentguardWebhookConfigurations()).as("webhook configurations left after uninstall").isEmpty();
        optIn(AFTER_UNINSTALL);
        // Admitted at the latest once the API server's view of the webhook configurations catches up.
        Pod after = admitted(AFTER_UNINSTALL, pod("after-uninstall"));
        assertThat(injected(after)).as("a pod created after uninstall is left alone").isFalse();
    }

    /**
     * helm uninstall runs the chart's pre-delete hook, and deletes nothing else until the hook's
     * Job completes; this test is the kubelet of the hook's pod ({@link HookPodRunner}). When
     * the hook has finished, and helm is about to delete the webhook's Service and Deployment,
     * no webhook configuration may be left that would send pods to them.
     */
    private void uninstallRemovesTheWebhookConfigurationsFirst(Path work) throws Exception {
        // Bounded, so that a hook that failed ends helm (Job not complete) rather than the test's patience.
        CompletableFuture<Helm.Result> uninstall = CompletableFuture.supplyAsync(
                () -> helm.run("uninstall", RELEASE, "-n", SYSTEM, "--timeout", "90s"));
        HookPodRunner hook = new HookPodRunner(cluster, SYSTEM, HOOK);
        HookPodRunner.Run run = hook.run(work.resolve("uninstall-hook"), WAIT);
        // Helm waits for the pod's status: this is what the rest of the uninstall starts from.
        List<String> configurationsLeft = agentguardWebhookConfigurations().toList();
        boolean serviceLeft = admin.services().inNamespace(SYSTEM).withName(WEBHOOK).get() != null;
        hook.report(run);
        Helm.Result uninstalled = uninstall.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(run.exitCode()).as("the hook's exit code; its output:%n%s", run.log()).isZero();
        assertThat(run.log()).as("one line per configuration").contains(
                "MutatingWebhookConfiguration agentguard-webhook deleted",
                "ValidatingWebhookConfiguration agentguard-webhook deleted",
                "MutatingWebhookConfiguration agentguard-approvals deleted");
        assertThat(configurationsLeft).as("webhook configurations when the hook finished").isEmpty();
        assertThat(serviceLeft).as("the webhook Service, still there when the hook finished").isTrue();
        assertThat(uninstalled.exitCode()).as(uninstalled.output()).isZero();
        // hook-succeeded: the hook's own objects go with it.
        await("the hook's objects deleted").atMost(WAIT).until(() -> admin.batch().v1().jobs().inNamespace(SYSTEM)
                .withName(HOOK).get() == null && admin.serviceAccounts().inNamespace(SYSTEM).withName(HOOK).get() == null
                && admin.rbac().clusterRoles().withName(HOOK).get() == null
                && admin.rbac().clusterRoleBindings().withName(HOOK).get() == null);
    }

    private Stream<String> agentguardWebhookConfigurations() {
        return Stream.concat(
                admin.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems().stream(),
                admin.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems().stream())
                .map(c -> c.getMetadata().getName()).filter(name -> name.startsWith("agentguard-"));
    }

    private void everyReleasedObjectExists() {
        String manifest = helm.ok("get", "manifest", RELEASE, "-n", SYSTEM);
        List<HasMetadata> released = admin.load(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)))
                .items();
        assertThat(released).extracting(HasMetadata::getKind).contains("Deployment", "DaemonSet", "Service",
                "PodDisruptionBudget", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
                "ClusterRole", "Role", "ServiceAccount");
        assertThat(released).allSatisfy(object -> assertThat(admin.resource(object).get())
                .as("%s %s in the cluster", object.getKind(), object.getMetadata().getName()).isNotNull());
    }

    private void webhooksPointAtTheRenderedService() {
        Service service = admin.services().inNamespace(SYSTEM).withName(WEBHOOK).get();
        Stream<ServiceReference> references = Stream.concat(
                admin.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems().stream()
                        .filter(c -> c.getMetadata().getName().startsWith("agentguard-"))
                        .flatMap(c -> c.getWebhooks().stream()).map(w -> w.getClientConfig().getService()),
                admin.admissionRegistration().v1().validatingWebhookConfigurations().list().getItems().stream()
                        .filter(c -> c.getMetadata().getName().startsWith("agentguard-"))
                        .flatMap(c -> c.getWebhooks().stream()).map(w -> w.getClientConfig().getService()));
        assertThat(references.toList()).hasSize(4).allSatisfy(reference -> {
            assertThat(reference.getName()).isEqualTo(service.getMetadata().getName());
            assertThat(reference.getNamespace()).isEqualTo(SYSTEM);
            assertThat(service.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(reference.getPort()));
        });
    }

    /**
     * The agent may list Secrets by its RBAC; through its shim, once the policy is in, it may not.
     * A request the policy holds for approval waits in an ApprovalRequest in the release namespace;
     * nobody decides, so the proxy refuses it at the end of the wait, and the operator (its
     * ServiceAccount in the release namespace, which the approval webhooks accept and record)
     * marks it Expired after the grace period.
     */
    private void agentRequestsAreEnforced(Path work, ProxyProcess proxy, Pod agent, String proxyServerName)
            throws Exception {
        try (MountedVolume proxyCa = MountedVolume.configMap(admin, AGENTS, "agentguard-proxy-ca",
                work.resolve("agent-proxy-ca"))) {
            await().atMost(WAIT).until(() -> Files.exists(proxyCa.path("ca.crt")));
            try (ShimProcess shim = ShimProcess.start("https://127.0.0.1:" + proxy.port(), proxyCa.path("ca.crt"),
                    boundToken(agent), AGENTS, Map.of("AGENTGUARD_SHIM_UPSTREAM_SERVER_NAME", proxyServerName),
                    List.of())) {
                await("the agent lists Secrets before the policy").atMost(WAIT)
                        .until(() -> asAgent(shim, "get", "secrets", "-n", AGENTS).exitCode() == 0);
                // Applied through the validating webhook, which the API server reaches through the Service.
                var applied = cluster.kubectl("""
                        apiVersion: agentguard.dev/v1alpha1
                        kind: AgentPolicy
                        metadata: {name: no-secrets, namespace: %s}
                        spec:
                          mode: Enforce
                          rules:
                            - name: no-secrets
                              action: Deny
                              resources: [secrets]
                              reason: agents work without credentials
                            - name: approve-cache-reads
                              action: RequireApproval
                              verbs: [get]
                              resources: [configmaps]
                              names: [cache]
                          approval: {waitSeconds: 1}
                        """.formatted(AGENTS), "apply", "-f", "-");
                assertThat(applied.exitCode()).as(applied.stderr()).isZero();
                await("the proxies enforce the policy").atMost(WAIT)
                        .until(() -> asAgent(shim, "get", "secrets", "-n", AGENTS).exitCode() != 0);
                assertThat(asAgent(shim, "get", "secrets", "-n", AGENTS).stderr()).contains("agentguard AgentPolicy/"
                        + AGENTS + "/no-secrets rule no-secrets denies list in namespace \"" + AGENTS
                        + "\": agents work without credentials");

                KubeApiServer.KubectlResult held = asAgent(shim, "get", "configmap", "cache", "-n", AGENTS);
                assertThat(held.exitCode()).as("a held request nobody decides").isNotZero();
                List<ApprovalRequest> requests = admin.resources(ApprovalRequest.class).inNamespace(SYSTEM)
                        .withLabel("agentguard.dev/agent-namespace", AGENTS).list().getItems();
                assertThat(requests).as("ApprovalRequests in %s", SYSTEM).singleElement()
                        .satisfies(r -> assertThat(r.getSpec().rule()).isEqualTo("approve-cache-reads"));
                String name = requests.get(0).getMetadata().getName();
                assertThat(held.stderr()).contains("not approved within 1s: approvalrequest " + SYSTEM + "/" + name
                        + " is still pending");
                ApprovalRequest expired = await("the operator expires the request").atMost(WAIT).until(
                        () -> admin.resources(ApprovalRequest.class).inNamespace(SYSTEM).withName(name).get(),
                        r -> r.getStatus() != null && r.getStatus().phase() == ApprovalPhase.Expired);
                assertThat(expired.getStatus().decidedBy()).as("recorded by the approval webhook")
                        .isEqualTo("system:serviceaccount:" + SYSTEM + ":agentguard-operator");
            }
        }
    }

    private KubeApiServer.KubectlResult asAgent(ShimProcess shim, String... args) {
        return cluster.kubectlWith(shim.agentKubeconfig(), null, args);
    }

    private RenderedContainer rendered(PodSpec pod, String container, Path work) {
        return RenderedContainer.of(admin, pod, container, SYSTEM, KubeApiServer.KWOK_NODE, work.resolve(container));
    }

    /** A token of the ServiceAccount the workload runs as, so it has exactly the chart's RBAC. */
    private String token(PodSpec pod) {
        return cluster.tokenFor(SYSTEM, pod.getServiceAccountName());
    }

    private boolean everyCaBundleFilled() {
        var v1 = admin.admissionRegistration().v1();
        return Stream.of(v1.mutatingWebhookConfigurations().withName(WEBHOOK).get(),
                v1.mutatingWebhookConfigurations().withName("agentguard-approvals").get())
                .allMatch(c -> c.getWebhooks().stream().allMatch(w -> filled(w.getClientConfig().getCaBundle())))
                && v1.validatingWebhookConfigurations().withName(WEBHOOK).get().getWebhooks().stream()
                        .allMatch(w -> filled(w.getClientConfig().getCaBundle()));
    }

    private static boolean filled(String caBundle) {
        return caBundle != null && !caBundle.isEmpty();
    }

    private void optIn(String namespace) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels("agentguard.dev/inject", "enabled").endMetadata().build()).serverSideApply();
    }

    /** The agent: may get pods and list Secrets in its namespace; on kwok's node; created through the webhook. */
    private Pod agentPod() {
        await("the operator's proxy CA in the opted-in namespace").atMost(WAIT)
                .until(() -> admin.configMaps().inNamespace(AGENTS).withName("agentguard-proxy-ca").get() != null);
        admin.serviceAccounts().inNamespace(AGENTS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("agent").endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(AGENTS).resource(new RoleBuilder().withNewMetadata().withName("agent")
                .endMetadata().addNewRule().withApiGroups("").withResources("pods").withVerbs("get").endRule()
                .addNewRule().withApiGroups("").withResources("secrets").withVerbs("get", "list").endRule()
                .build()).serverSideApply();
        admin.rbac().roleBindings().inNamespace(AGENTS).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("agent").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent")
                .addNewSubject().withKind("ServiceAccount").withName("agent").withNamespace(AGENTS).endSubject()
                .build()).serverSideApply();
        admitted(AGENTS, new PodBuilder().withNewMetadata().withName("agent").endMetadata()
                .withNewSpec().withServiceAccountName("agent").withNodeName(KubeApiServer.KWOK_NODE)
                .addNewContainer().withName("agent").withImage("registry.invalid/agent:1").endContainer()
                .endSpec().build());
        await("the agent pod running").atMost(WAIT).until(() -> "Running".equals(
                admin.pods().inNamespace(AGENTS).withName("agent").get().getStatus().getPhase()));
        return admin.pods().inNamespace(AGENTS).withName("agent").get();
    }

    private static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().addNewContainer()
                .withName("app").withImage("registry.invalid/app:1").endContainer().endSpec().build();
    }

    /**
     * Creates the pod, retrying while admission refuses it: the API server picks up a changed
     * webhook configuration (a new caBundle, a deleted configuration) a moment after the change.
     * Fails if it is still refused after the wait.
     */
    private Pod admitted(String namespace, Pod pod) {
        var pods = admin.pods().inNamespace(namespace);
        String name = pod.getMetadata().getName();
        await("pod " + namespace + "/" + name + " admitted").atMost(WAIT).ignoreExceptions()
                .until(() -> pods.withName(name).get() != null || pods.resource(pod).create() != null);
        return pods.withName(name).get();
    }

    private static boolean injected(Pod pod) {
        return pod.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals("agentguard-shim"));
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no env " + name));
    }

    private String boundToken(Pod pod) {
        return admin.serviceAccounts().inNamespace(AGENTS).withName("agent").tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(3600L).withNewBoundObjectRef().withApiVersion("v1")
                .withKind("Pod").withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                .endBoundObjectRef().endSpec().build()).getStatus().getToken();
    }
}
