package dev.agentguard.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.AgentSessionSpec;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.Kubeconfig;
import dev.agentguard.testing.kube.RepoFiles;
import dev.agentguard.testing.kube.TestTls;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * {@code replay} and {@code verify} against the real API server and the packaged
 * proxy: the plugin finds the proxy pod of the session's node, verifies the proxy's
 * certificate against the CA bundle in the system namespace by its Service name, and
 * fetches as the caller (a ServiceAccount token bound to the chart's approver RBAC).
 * The proxy's recording directory is seeded in the ledger format the proxy writes (the
 * exec-produced case is covered by the proxy's RecordingsEndpointIT).
 */
class RecordingsCommandsIT {

    private static final String SYSTEM = AgentGuard.DEFAULT_SYSTEM_NAMESPACE;
    private static final String AGENTS = "replay-agents";
    private static final String PEOPLE = "replay-people";
    private static final String NODE = "replay-node";
    private static final String INTACT = "agent-intact1";
    private static final String TAMPERED = "agent-tamper1";

    private static KubeApiServer cluster;
    private static KubernetesClient admin;
    private static ProxyProcess proxy;
    private static Path approver;
    private static Path nonApprover;
    private static Path certificateUser;
    private static String intactDigest;

    @BeforeAll
    static void proxyWithRecordings() throws Exception {
        cluster = KubeApiServer.shared();
        admin = cluster.admin();
        AgentGuardInstall.crds(cluster);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(PEOPLE).endMetadata().build())
                .serverSideApply();
        ok(cluster.kubectl(null, "apply", "--server-side", "-f", RepoFiles.find("manifests/approver-rbac.yaml").toString()));

        Path recordings = Files.createTempDirectory("replay-recordings");
        String previous = "0".repeat(64);
        StringBuilder ledger = new StringBuilder();
        long sequence = 0;
        for (String session : List.of(INTACT, TAMPERED)) {
            String cast = "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1764716400}\n"
                    + "[0.1,\"o\",\"\\u001b]0;pwned title\\u0007" + session + "-one\\r\\n\"]\n"
                    + "[0.2,\"i\",\"ls\\r\"]\n"
                    + "[0.3,\"r\",\"100x30\"]\n"
                    + "[0.4,\"o\",\"\\u001b]52;c;Y2xpcGJvYXJk\\u0007\\u001b[31m" + session + "-two\\u001b[0m\\r\\n\"]\n";
            Files.writeString(recordings.resolve(session + ".cast"), cast);
            String sha = sha256(cast.getBytes(StandardCharsets.UTF_8));
            sequence++;
            String digest = sha256((previous + "\n" + sequence + "\n" + session + "\n" + session + ".cast\n" + sha
                    + "\nfalse").getBytes(StandardCharsets.UTF_8));
            ledger.append("{\"sequence\":").append(sequence).append(",\"session\":\"").append(session)
                    .append("\",\"file\":\"").append(session).append(".cast\",\"sha256\":\"").append(sha)
                    .append("\",\"incomplete\":false,\"previous\":\"").append(previous).append("\",\"digest\":\"")
                    .append(digest).append("\"}\n");
            if (session.equals(INTACT)) {
                intactDigest = digest;
            }
            previous = digest;
            agentSession(session);
        }
        Files.writeString(recordings.resolve("chain.jsonl"), ledger);
        // The edit comes after the chain recorded the hash, as an attacker's would.
        Path tampered = recordings.resolve(TAMPERED + ".cast");
        Files.writeString(tampered, Files.readString(tampered).replace("-two", "-2wo"));

        TestTls tls = TestTls.issue("agentguard-proxy", List.of("agentguard-proxy." + SYSTEM + ".svc"));
        admin.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(NODE)
                .endMetadata().build()).serverSideApply();
        proxy = ProxyProcess.start(cluster, NODE, tls.certificate(), tls.key(), tls.caCertificate(),
                Map.of("AGENTGUARD_PROXY_RECORDING_DIRECTORY", recordings.toString()), List.of());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
                return true;
            }
        });
        publishProxyPodAndBundle(tls.caPem());

        approver = tokenUser("approver", true);
        nonApprover = tokenUser("onlooker", false);
        certificateUser = cluster.userKubeconfig("carol", "agentguard:approvers");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        admin.pods().inNamespace(SYSTEM).withName("agentguard-proxy-replay").withGracePeriod(0).delete();
        admin.namespaces().withName(PEOPLE).delete();
    }

    @Test
    void replayPrintsTheRecordedOutputWithoutItsTerminalCommands() {
        InProcess replay = plugin(approver, "replay", INTACT, "-n", AGENTS, "--speed", "0");
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).isEqualTo(INTACT + "-one\r\n" + INTACT + "-two\r\n");
        // The title (OSC 0) and clipboard write (OSC 52) never reach the output, nor colours when piped.
        assertThat(replay.out()).doesNotContain("\u001b").doesNotContain("pwned");
        assertThat(replay.err()).contains("[recording resized to 100x30]");

        InProcess withInput = plugin(approver, "replay", INTACT, "--show-input");
        assertThat(withInput.out()).contains("[input: ls⏎]");
    }

    @Test
    void verifySaysIntactWithTheDigest() {
        InProcess verify = plugin(approver, "verify", INTACT);
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).isEqualTo(INTACT + ": chain intact (digest " + intactDigest + ")\n");
    }

    @Test
    void verifyOfATamperedRecordingNamesTheProblemAndExits1() {
        InProcess verify = plugin(approver, "verify", TAMPERED);
        assertThat(verify.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(verify.out()).startsWith(TAMPERED + ": NOT intact").contains("edited");
    }

    @Test
    void aNonApproverGetsTheProxysRefusalInOneLine() {
        InProcess replay = plugin(nonApprover, "replay", INTACT);
        assertThat(replay.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(replay.err().lines().toList()).singleElement().asString()
                .startsWith("error: Forbidden: user \"system:serviceaccount:" + PEOPLE + ":onlooker\"")
                .contains("cannot get agentsessions/recording");
        assertThat(replay.out()).isEmpty();
    }

    @Test
    void aClientCertificateKubeconfigIsToldItNeedsAToken() {
        InProcess verify = plugin(certificateUser, "verify", INTACT);
        assertThat(verify.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(verify.err()).isEqualTo("error: recordings need a bearer token; your kubeconfig authenticates"
                + " with a client certificate (use an OIDC or ServiceAccount token user)\n");
    }

    @Test
    void aSessionOfAnotherNamespacesAgentIsRefused() {
        InProcess verify = plugin(approver, "verify", INTACT, "-n", "default");
        assertThat(verify.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(verify.err()).contains("is a session of an agent in namespace " + AGENTS + ", not default");
    }

    // --- fixtures ---

    private static InProcess plugin(Path kubeconfig, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        return InProcess.run(all.toArray(String[]::new));
    }

    private static void agentSession(String name) {
        AgentSession session = new AgentSession();
        session.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(SYSTEM)
                .addToLabels(AgentGuard.GROUP + "/agent-namespace", AGENTS).build());
        session.setSpec(new AgentSessionSpec(new AgentRef(AGENTS, "agent", "agent", UUID.randomUUID().toString(), NODE),
                new RequestRef("create", "", "pods", "exec", AGENTS, "target",
                        "/api/v1/namespaces/" + AGENTS + "/pods/target/exec", List.of("sh")),
                "target", true, NODE, java.time.Instant.now().toString()));
        admin.resources(AgentSession.class).inNamespace(SYSTEM).resource(session).serverSideApply();
    }

    /** What the DaemonSet and the operator leave in the system namespace: the node's proxy pod and the CA bundle. */
    private static void publishProxyPodAndBundle(String caPem) {
        admin.configMaps().inNamespace(SYSTEM).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("agentguard-proxy-ca").endMetadata().addToData("ca.crt", caPem).build()).serverSideApply();
        Pod pod = admin.pods().inNamespace(SYSTEM).resource(new PodBuilder().withNewMetadata()
                .withName("agentguard-proxy-replay").addToLabels("app.kubernetes.io/name", "agentguard-proxy")
                .endMetadata().withNewSpec().withNodeName(NODE).addNewContainer().withName("proxy")
                .withImage("registry.invalid/proxy:1").addNewPort().withName("shims").withContainerPort(proxy.port())
                .withHostPort(proxy.port()).endPort().endContainer().endSpec().build()).serverSideApply();
        // Nobody runs this node's kubelet: the status it would report.
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withHostIP("127.0.0.1").build());
        admin.pods().inNamespace(SYSTEM).resource(pod).updateStatus();
    }

    /** A ServiceAccount token kubeconfig; an approver is bound as the chart binds approvers.groups. */
    private static Path tokenUser(String name, boolean approves) throws IOException {
        admin.serviceAccounts().inNamespace(PEOPLE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(name).endMetadata().build()).serverSideApply();
        String subject = "--serviceaccount=" + PEOPLE + ":" + name;
        // Both may find the proxy and read sessions; only the approver's ClusterRole grants the recording.
        ok(cluster.kubectl(null, "create", "rolebinding", "replay-" + name + "-recordings", "-n", SYSTEM,
                "--role=agentguard-approver-recordings", subject));
        if (approves) {
            ok(cluster.kubectl(null, "create", "rolebinding", "replay-" + name, "-n", SYSTEM,
                    "--clusterrole=agentguard-approver", subject));
        } else {
            ok(cluster.kubectl(null, "create", "role", "replay-" + name, "-n", SYSTEM, "--verb=get",
                    "--resource=agentsessions.agentguard.dev"));
            ok(cluster.kubectl(null, "create", "rolebinding", "replay-" + name, "-n", SYSTEM,
                    "--role=replay-" + name, subject));
        }
        String token = admin.serviceAccounts().inNamespace(PEOPLE).withName(name).tokenRequest(new TokenRequestBuilder()
                .withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
        Path kubeconfig = Files.createTempFile("replay-" + name, ".kubeconfig");
        Files.writeString(kubeconfig, Kubeconfig.withToken(cluster.url(), cluster.caCertificatePem(), token));
        return kubeconfig;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void ok(KubeApiServer.KubectlResult result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }
}
