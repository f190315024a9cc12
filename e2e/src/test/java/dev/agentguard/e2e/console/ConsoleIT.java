package dev.agentguard.e2e.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.api.v1alpha1.StepUp;
import dev.agentguard.testing.apps.ConsoleProcess;
import dev.agentguard.testing.apps.OperatorProcess;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.apps.ShimProcess;
import dev.agentguard.testing.apps.WebhookProcess;
import dev.agentguard.testing.chart.Helm;
import dev.agentguard.testing.chart.RenderedContainer;
import dev.agentguard.testing.kube.HostEndpoint;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.MountedVolume;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.ServedCertificate;
import dev.agentguard.testing.oidc.Keycloak;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The approver console in a real browser, installed by the chart: a real Keycloak, a
 * kube-apiserver trusting it, the chart's operator, webhook, proxy and console (each as its
 * rendered container runs it), an agent behind its shim, and Debian's headless chromium.
 * Alice (an approver) logs in, sees the agent's held kubectl call appear without a reload and
 * approves it, and the call succeeds; the API server records her OIDC identity. Bob (RBAC lets
 * him try, the policy does not name his group) is refused with the webhook's message.
 * Screenshots land in docs/images/ (they are the docs' pictures of the console).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final String SYSTEM = "agentguard-system";
    private static final String AGENTS = "console-agents";
    private static final String POLICY = "reads-need-a-human";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path IMAGES = RepoFiles.find("docs").resolve("images");

    private static Keycloak keycloak;
    private static KubeApiServer cluster;
    private static KubernetesClient admin;
    private static final java.util.Deque<AutoCloseable> started = new java.util.ArrayDeque<>();
    private static ConsoleProcess console;
    private static int proxyPort;
    private static Path work;
    private static ShimProcess shim;
    private static Chromium alice;
    /** When alice's console login happened (no later than this): the step-up test needs it old. */
    private static Instant aliceLoggedIn;

    @BeforeAll
    static void install() throws Exception {
        Assumptions.assumeTrue(Chromium.installed(), "chromium and chromedriver (apt install chromium chromium-driver)");
        keycloak = Keycloak.start();
        cluster = KubeApiServer.startTrusting(keycloak.issuer());
        admin = cluster.admin();
        work = Files.createTempDirectory("console-it");
        proxyPort = dev.agentguard.testing.apps.PackagedApp.freePort();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SYSTEM).endMetadata().build())
                .serverSideApply();
        // What a cluster admin creates before installing: the client secret, and the provider's CA.
        admin.secrets().inNamespace(SYSTEM).resource(new SecretBuilder().withNewMetadata().withName("console-oidc")
                .endMetadata().addToStringData("client-secret", "agentguard-console-test-secret").build()).serverSideApply();
        admin.configMaps().inNamespace(SYSTEM).resource(new ConfigMapBuilder().withNewMetadata().withName("keycloak-ca")
                .endMetadata().addToData("ca.crt", keycloak.caPem()).build()).serverSideApply();
        Helm.against(cluster).ok("install", "agentguard", Helm.chart().toString(), "-n", SYSTEM,
                "--set", "console.enabled=true",
                "--set", "console.oidc.issuerUrl=" + keycloak.issuer().url(),
                "--set", "console.oidc.clientSecret.name=console-oidc",
                "--set", "console.oidc.caConfigMap=keycloak-ca",
                // RBAC lets both try; the policy's approverGroups decide who may.
                "--set", "approvers.groups={agentguard:approvers,team:devs}",
                // Where this host's proxy listens: the DaemonSet's pod (kwok's, at 127.0.0.1) says so,
                // and the console finds the proxy of a session's node from that pod.
                "--set", "proxy.hostPort=" + proxyPort);
        startComponents(work);
        agent(work);
    }

    @AfterAll
    static void stop() {
        if (alice != null) {
            alice.close();
        }
        if (shim != null) {
            shim.close();
        }
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("ConsoleIT: stopping: " + e);
            }
        }
        if (cluster != null) {
            cluster.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    @Order(1)
    void anApproverSeesTheHeldCallAppearLiveApprovesItAndTheAgentProceeds() throws Exception {
        alice = Chromium.start(keycloakCertificate(), WAIT);
        alice.open(console.url());
        alice.logIn("alice", "alice-test-password");
        alice.untilText(By.id("live"), "live");
        aliceLoggedIn = Instant.now();
        assertThat(alice.driver().findElement(By.id("user")).getText()).isEqualTo("alice");

        CompletableFuture<KubeApiServer.KubectlResult> held = CompletableFuture.supplyAsync(
                () -> asAgent("get", "configmap", "cache", "-n", AGENTS, "-o", "name"));
        // No reload: the row arrives through the page's event stream.
        WebElement row = alice.until(By.cssSelector("tr[data-phase='Pending']"));
        String name = row.getDomAttribute("data-name");
        assertThat(row.getText()).contains(AGENTS + "/agent", "get configmaps", AGENTS + "/cache",
                "AgentPolicy/" + AGENTS + "/" + POLICY, "cache-reads", "the cache holds customer data");
        alice.screenshot(IMAGES.resolve("console-approvals.png"));

        row.findElement(By.name("comment")).sendKeys("ok for the nightly report");
        row.findElement(By.cssSelector("button.approve")).click();
        alice.untilText(By.id("notice"), "approvalrequest " + name + " approved");
        alice.screenshot(IMAGES.resolve("console-approved.png"));

        KubeApiServer.KubectlResult result = held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("configmap/cache");
        ApprovalRequest decided = admin.resources(ApprovalRequest.class).inNamespace(SYSTEM).withName(name).get();
        assertThat(decided.getStatus().phase()).isEqualTo(ApprovalPhase.Approved);
        assertThat(decided.getStatus().decidedBy()).as("the human, as the API server authenticated her")
                .isEqualTo("oidc:alice");
        assertThat(decided.getStatus().message()).isEqualTo("ok for the nightly report");
        assertThat(alice.until(By.id("request-" + name)).getText()).contains("Approved by oidc:alice");
    }

    @Test
    @Order(2)
    void aNonApproverIsRefusedWithTheWebhooksMessageAndTheApproverDenies() throws Exception {
        CompletableFuture<KubeApiServer.KubectlResult> held = CompletableFuture.supplyAsync(
                () -> asAgent("get", "configmap", "other", "-n", AGENTS));
        String name = await("the second held request").atMost(WAIT).until(this::pendingName, n -> n != null);
        try (Chromium bob = Chromium.start(keycloakCertificate(), WAIT)) {
            bob.open(console.url() + "/approvals");
            bob.logIn("bob", "bob-test-password");
            WebElement row = bob.until(By.id("request-" + name));
            row.findElement(By.cssSelector("button.approve")).click();
            bob.untilText(By.id("error"), "agentguard refused ApprovalRequest " + name);
            assertThat(bob.driver().findElement(By.id("error")).getText()).contains("oidc:bob is not an approver for");
            bob.screenshot(IMAGES.resolve("console-refused.png"));
        }
        assertThat(phase(name)).as("bob's attempt changed nothing").isEqualTo(ApprovalPhase.Pending);

        alice.open(console.url() + "/approvals");
        WebElement row = alice.until(By.id("request-" + name));
        row.findElement(By.name("comment")).sendKeys("not this one");
        row.findElement(By.cssSelector("button.deny")).click();
        alice.untilText(By.id("notice"), "approvalrequest " + name + " denied");
        KubeApiServer.KubectlResult result = held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.exitCode()).isNotZero();
        assertThat(phase(name)).isEqualTo(ApprovalPhase.Denied);
    }

    @Test
    @Order(3)
    void whatTheAgentControlsIsShownAsTextNeverAsMarkup() {
        String hostile = "echo <img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
        String name = heldExec(List.of("sh", "-c", hostile), "<b>reason</b>");

        alice.open(console.url() + "/approvals");
        WebElement row = alice.until(By.id("request-" + name));
        assertThat(row.getText()).contains("<img src=x onerror=", "<script>", "<b>reason</b>");
        assertThat(row.findElements(By.tagName("img"))).isEmpty();
        assertThat(row.findElements(By.tagName("script"))).isEmpty();
        assertThat(alice.driver().getTitle()).doesNotContain("pwned");
    }

    @Test
    @Order(4)
    void policiesShowReadyAndHowManyProxiesRunThem() {
        alice.open(console.url() + "/policies");
        WebElement row = alice.until(By.id("policy-" + AGENTS + "-" + POLICY));
        assertThat(row.getText()).contains("True", "1/1");
        alice.screenshot(IMAGES.resolve("console-policies.png"));
    }

    @Test
    @Order(5)
    void formsWithoutTheCsrfTokenAreRefused() throws Exception {
        String name = heldExec(List.of("rm", "-rf", "/data"), null);
        alice.open(console.url() + "/approvals");
        alice.until(By.id("request-" + name));
        // A cross-site form post carries alice's cookies but cannot know the token.
        Object status = alice.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/approvals/' + arguments[0] + '/approve', {method: 'POST',
                    headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'comment=forged'})
                  .then(r => done(r.status), e => done(String(e)));
                """, name);
        assertThat(((Number) status).intValue()).isEqualTo(400);
        assertThat(phase(name)).isEqualTo(ApprovalPhase.Pending);
    }

    @Test
    @Order(6)
    void aSessionIsFoundByItsOutputReplayedVerifiedAndDownloaded() throws Exception {
        var exec = asAgent("exec", "db", "-n", AGENTS, "--", "echo", "rows-exported-by-the-agent");
        assertThat(exec.exitCode()).as(exec.stderr()).isZero();
        AgentSession session = await("the session's AgentSession, completed").atMost(WAIT).until(
                () -> admin.resources(AgentSession.class).inNamespace(SYSTEM).list().getItems().stream()
                        .filter(s -> s.getStatus() != null && s.getStatus().endedAt() != null).findFirst().orElse(null),
                s -> s != null);
        String name = session.getMetadata().getName();

        alice.open(console.url() + "/sessions?text=rows-exported");
        alice.until(By.id("session-" + name));
        alice.screenshot(IMAGES.resolve("console-sessions.png"));
        alice.open(console.url() + "/sessions?text=nothing-like-this");
        assertThat(alice.until(By.cssSelector("table.sessions")).getText()).contains("No sessions match.");

        alice.open(console.url() + "/sessions");
        alice.until(By.cssSelector("#session-" + name + " a.replay")).click();
        WebElement verification = alice.until(By.id("verification"));
        assertThat(verification.getDomAttribute("data-intact")).isEqualTo("true");
        assertThat(verification.getText()).contains("Recording verified", session.getStatus().digest());
        // The player loaded the recording: its terminal shows the agent's output once played to the end.
        alice.driver().executeScript("window.agentguardPlayer.seek('100%')");
        alice.untilText(By.id("player"), "rows-exported-by-the-agent");
        alice.screenshot(IMAGES.resolve("console-replay.png"));
        assertThat(fetch("/sessions/" + name + "/recording.txt")).contains("rows-exported-by-the-agent")
                .doesNotContain("\u001b");
        assertThat(fetch("/sessions/" + name + "/recording.cast")).startsWith("{").contains("\"version\"", "\"o\"");

        // Someone with the node's disk edits the recording: the chain says so, in red.
        Path cast;
        try (var files = Files.walk(work.resolve("proxy"))) {
            cast = files.filter(f -> f.getFileName().toString().startsWith(name)
                    && f.getFileName().toString().endsWith(".cast")).findFirst().orElseThrow();
        }
        Files.writeString(cast, Files.readString(cast).replace("rows-exported", "nothing-to-see"));
        alice.open(console.url() + "/sessions/" + name);
        WebElement broken = alice.until(By.id("verification"));
        assertThat(broken.getDomAttribute("data-intact")).isEqualTo("false");
        assertThat(broken.getText()).contains("NOT verified");
        assertThat(broken.getCssValue("color")).as("red").startsWith("rgba(138, 28, 15");
        alice.screenshot(IMAGES.resolve("console-replay-broken.png"));
    }

    @Test
    @Order(7)
    void aStepUpIsShownBeforeApprovingAndALoginAgainMeetsIt() {
        int maxAge = 60;
        String name = heldExec(List.of("pg_dump", "shop"), "dumps need a fresh login",
                new StepUp(maxAge, null));
        // Waits on the clock itself: alice's login must be older than the policy allows.
        await("alice's login older than " + maxAge + "s").atMost(Duration.ofSeconds(maxAge + 5))
                .until(() -> Instant.now().isAfter(aliceLoggedIn.plusSeconds(maxAge + 1)));

        alice.open(console.url() + "/approvals");
        WebElement row = alice.until(By.id("request-" + name));
        assertThat(row.getText()).contains("Approving needs a login within 1m.", "your login is",
                "log in again (max_age=" + maxAge + ")");
        alice.screenshot(IMAGES.resolve("console-step-up.png"));
        // The warning is advisory; the webhook is what refuses, from the token the API server saw.
        row.findElement(By.cssSelector("button.approve")).click();
        alice.untilText(By.id("error"), "this policy requires a login within " + maxAge + "s to approve");
        assertThat(phase(name)).isEqualTo(ApprovalPhase.Pending);

        alice.until(By.cssSelector("#request-" + name + " button.login-again")).click();
        // The provider asks again (max_age went along) rather than handing back its session.
        alice.logInAgain("alice", "alice-test-password");
        row = alice.until(By.id("request-" + name));
        assertThat(row.getText()).contains("Approving needs a login within 1m.").doesNotContain("your login is");
        row.findElement(By.cssSelector("button.approve")).click();
        alice.untilText(By.id("notice"), "approvalrequest " + name + " approved");
        assertThat(phase(name)).isEqualTo(ApprovalPhase.Approved);
        aliceLoggedIn = Instant.now();
    }

    /** The body of a GET from the console as alice, through her browser session. */
    private static String fetch(String path) {
        return (String) alice.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done(String(e)));
                """, path);
    }

    /** A held exec as the proxy files it: the command and the reason are the agent's and the policy's text. */
    private static String heldExec(List<String> command, String reason) {
        return heldExec(command, reason, null);
    }

    private static String heldExec(List<String> command, String reason, StepUp stepUp) {
        ApprovalRequest request = new ApprovalRequest();
        request.setMetadata(new ObjectMetaBuilder().withName("apr-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace(SYSTEM).build());
        request.setSpec(new ApprovalRequestSpec(new AgentRef(AGENTS, "agent", "agent", null, KubeApiServer.KWOK_NODE),
                new RequestRef("create", "", "pods", "exec", AGENTS, "db", null, command),
                "AgentPolicy/" + AGENTS + "/" + POLICY, "cache-reads", reason, "fp-" + UUID.randomUUID(), 300, 0, stepUp));
        return admin.resources(ApprovalRequest.class).resource(request).create().getMetadata().getName();
    }

    private String pendingName() {
        return admin.resources(ApprovalRequest.class).inNamespace(SYSTEM).list().getItems().stream()
                .filter(r -> r.getStatus() == null || r.getStatus().phase() == null
                        || r.getStatus().phase() == ApprovalPhase.Pending)
                .map(r -> r.getMetadata().getName()).findFirst().orElse(null);
    }

    private static ApprovalPhase phase(String name) {
        ApprovalRequest request = admin.resources(ApprovalRequest.class).inNamespace(SYSTEM).withName(name).get();
        return request.getStatus() == null || request.getStatus().phase() == null ? ApprovalPhase.Pending
                : request.getStatus().phase();
    }

    private static java.security.cert.X509Certificate keycloakCertificate() {
        String url = keycloak.issuer().url();
        int port = Integer.parseInt(url.replaceAll("^https://[^:]+:(\\d+)/.*$", "$1"));
        return ServedCertificate.at(port);
    }

    private static KubeApiServer.KubectlResult asAgent(String... args) {
        return cluster.kubectlWith(shim.agentKubeconfig(), null, args);
    }

    /** The chart's operator, webhook, proxy and console, as their rendered containers run them. */
    private static void startComponents(Path work) {
        PodSpec operatorPod = admin.apps().deployments().inNamespace(SYSTEM).withName("agentguard-operator").get()
                .getSpec().getTemplate().getSpec();
        PodSpec webhookPod = admin.apps().deployments().inNamespace(SYSTEM).withName("agentguard-webhook").get()
                .getSpec().getTemplate().getSpec();
        PodSpec proxyPod = admin.apps().daemonSets().inNamespace(SYSTEM).withName("agentguard-proxy").get()
                .getSpec().getTemplate().getSpec();
        PodSpec consolePod = admin.apps().deployments().inNamespace(SYSTEM).withName("agentguard-console").get()
                .getSpec().getTemplate().getSpec();
        RenderedContainer operatorContainer = keep(rendered(operatorPod, "operator", work));
        keep(OperatorProcess.start(cluster, token(operatorPod), operatorContainer.environment()));
        RenderedContainer webhookContainer = keep(rendered(webhookPod, "webhook", work)).awaitVolumes(WAIT);
        WebhookProcess webhook = keep(WebhookProcess.start(cluster, token(webhookPod), webhookContainer.environment()));
        HostEndpoint.expose(admin, SYSTEM, "agentguard-webhook", "agentguard-webhook-console-it", "https", webhook.port());
        RenderedContainer proxyContainer = keep(rendered(proxyPod, "proxy", work)).awaitVolumes(WAIT);
        ProxyProcess proxy = keep(ProxyProcess.start(cluster, token(proxyPod), proxyContainer.environment(), null,
                List.of(), proxyPort));
        RenderedContainer consoleContainer = keep(rendered(consolePod, "console", work)).awaitVolumes(WAIT);
        console = keep(ConsoleProcess.start(cluster, token(consolePod), consoleContainer.environment()));
        await("the operator fills in the approvals webhook's caBundle").atMost(WAIT).until(() -> admin
                .admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems().stream()
                .filter(c -> c.getMetadata().getName().startsWith("agentguard-"))
                .flatMap(c -> c.getWebhooks().stream())
                .allMatch(w -> w.getClientConfig().getCaBundle() != null && !w.getClientConfig().getCaBundle().isEmpty()));
        proxy.awaitReady(WAIT);
        proxyPodOnTheNode();
    }

    /**
     * The DaemonSet's pod on kwok's node, Running: the harness has no scheduler, so this binds the
     * pod the DaemonSet controller created, as kube-scheduler would. Clients find a node's proxy
     * from this pod (its hostIP and hostPort), so it must say where the local proxy listens.
     */
    private static void proxyPodOnTheNode() {
        var pods = admin.pods().inNamespace(SYSTEM).withLabel("app.kubernetes.io/name", "agentguard-proxy");
        Pod pod = await("the proxy DaemonSet's pod").atMost(WAIT).until(
                () -> pods.list().getItems().stream().findFirst().orElse(null), p -> p != null);
        if (pod.getSpec().getNodeName() == null) {
            admin.bindings().inNamespace(SYSTEM).resource(new io.fabric8.kubernetes.api.model.BindingBuilder()
                    .withNewMetadata().withName(pod.getMetadata().getName()).endMetadata()
                    .withNewTarget().withApiVersion("v1").withKind("Node").withName(KubeApiServer.KWOK_NODE).endTarget()
                    .build()).create();
        }
        await("the proxy pod running on " + KubeApiServer.KWOK_NODE).atMost(WAIT).until(
                () -> admin.pods().inNamespace(SYSTEM).withName(pod.getMetadata().getName()).get(),
                p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
    }

    /** An opted-in namespace, its agent pod (injected), a policy holding cache reads, and the agent's shim. */
    private static void agent(Path work) throws Exception {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(AGENTS)
                .addToLabels("agentguard.dev/inject", "enabled").endMetadata().build()).serverSideApply();
        await("the operator's proxy CA in the opted-in namespace").atMost(WAIT)
                .until(() -> admin.configMaps().inNamespace(AGENTS).withName("agentguard-proxy-ca").get() != null);
        admin.serviceAccounts().inNamespace(AGENTS).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("agent").endMetadata().build()).serverSideApply();
        admin.rbac().roles().inNamespace(AGENTS).resource(new RoleBuilder().withNewMetadata().withName("agent")
                .endMetadata().addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get").endRule()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get").endRule()
                .addNewRule().withApiGroups("").withResources("pods/exec").withVerbs("get", "create").endRule()
                .build()).serverSideApply();
        // The pod the agent execs into (kwok runs its commands on this host).
        admin.pods().inNamespace(AGENTS).resource(new PodBuilder().withNewMetadata().withName("db").endMetadata()
                .withNewSpec().withNodeName(KubeApiServer.KWOK_NODE).addNewContainer().withName("db")
                .withImage("registry.invalid/db:1").endContainer().endSpec().build()).create();
        admin.rbac().roleBindings().inNamespace(AGENTS).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("agent").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "agent")
                .addNewSubject().withKind("ServiceAccount").withName("agent").withNamespace(AGENTS).endSubject()
                .build()).serverSideApply();
        for (String name : List.of("cache", "other")) {
            admin.configMaps().inNamespace(AGENTS).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                    .endMetadata().addToData("rows", "42").build()).serverSideApply();
        }
        Pod pod = new PodBuilder().withNewMetadata().withName("agent").endMetadata().withNewSpec()
                .withServiceAccountName("agent").withNodeName(KubeApiServer.KWOK_NODE).addNewContainer()
                .withName("agent").withImage("registry.invalid/agent:1").endContainer().endSpec().build();
        await("the agent pod admitted").atMost(WAIT).ignoreExceptions().until(() -> admin.pods().inNamespace(AGENTS)
                .withName("agent").get() != null || admin.pods().inNamespace(AGENTS).resource(pod).create() != null);
        Pod agent = await("the agent pod running").atMost(WAIT).until(
                () -> admin.pods().inNamespace(AGENTS).withName("agent").get(),
                p -> "Running".equals(p.getStatus().getPhase()));
        var result = cluster.kubectl("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata: {name: %s, namespace: %s}
                spec:
                  rules:
                    - name: cache-reads
                      action: RequireApproval
                      verbs: [get]
                      resources: [configmaps]
                      reason: the cache holds customer data
                  approval: {waitSeconds: 180, grantTTLSeconds: 0, approverGroups: ["agentguard:approvers"]}
                """.formatted(POLICY, AGENTS), "apply", "-f", "-");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        await("the policy on every proxy").atMost(WAIT).until(() -> {
            AgentPolicy policy = admin.resources(AgentPolicy.class).inNamespace(AGENTS).withName(POLICY).get();
            return policy.getStatus() != null && "1/1".equals(policy.getStatus().getProxies());
        });
        MountedVolume proxyCa = keep(MountedVolume.configMap(admin, AGENTS, "agentguard-proxy-ca",
                work.resolve("agent-proxy-ca")));
        await().atMost(WAIT).until(() -> Files.exists(proxyCa.path("ca.crt")));
        String serverName = agent.getSpec().getInitContainers().stream()
                .filter(c -> c.getName().equals("agentguard-shim")).findFirst().orElseThrow().getEnv().stream()
                .filter(e -> e.getName().equals("AGENTGUARD_SHIM_UPSTREAM_SERVER_NAME")).findFirst().orElseThrow()
                .getValue();
        String token = admin.serviceAccounts().inNamespace(AGENTS).withName("agent").tokenRequest(
                new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).withNewBoundObjectRef()
                        .withApiVersion("v1").withKind("Pod").withName("agent").withUid(agent.getMetadata().getUid())
                        .endBoundObjectRef().endSpec().build()).getStatus().getToken();
        shim = ShimProcess.start("https://127.0.0.1:" + proxyPort, proxyCa.path("ca.crt"), token, AGENTS,
                Map.of("AGENTGUARD_SHIM_UPSTREAM_SERVER_NAME", serverName), List.of());
    }

    private static <T extends AutoCloseable> T keep(T closeable) {
        started.push(closeable);
        return closeable;
    }

    private static RenderedContainer rendered(PodSpec pod, String container, Path work) {
        return RenderedContainer.of(admin, pod, container, SYSTEM, KubeApiServer.KWOK_NODE, work.resolve(container));
    }

    private static String token(PodSpec pod) {
        return cluster.tokenFor(SYSTEM, pod.getServiceAccountName());
    }
}
