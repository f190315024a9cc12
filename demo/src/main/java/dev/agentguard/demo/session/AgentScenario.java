package dev.agentguard.demo.session;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.agentguard.api.v1alpha1.AgentSession;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.demo.Narrator;
import dev.agentguard.demo.Wait;
import dev.agentguard.demo.cluster.DemoCluster;
import dev.agentguard.demo.cluster.Kubectl;
import dev.agentguard.demo.install.ChartRelease;
import dev.agentguard.testing.apps.ProxyProcess;

/**
 * The scripted agent session: what an agent with the namespace's RBAC tries, through the shim
 * the webhook gave its pod, and what agentguard does about each request. Every step runs the
 * real kubectl with the agent's own kubeconfig, and prints the command and what came back.
 */
public final class AgentScenario {

    /** Who approves the held request: a human in the baseline policy's approver group. */
    public static final String APPROVER = "alice@example.com";
    public static final String APPROVER_GROUP = ChartRelease.APPROVERS;
    /** A line the allowed exec session prints, to find its recording by. */
    static final String SESSION_MARKER = "orders: 1042 rows";

    private final DemoCluster cluster;
    private final Kubectl admin;
    private final Kubectl agent;
    private final ProxyProcess proxy;
    private final String systemNamespace;
    private final Narrator out;
    private final Duration wait;
    private final Approver alice;

    public AgentScenario(DemoCluster cluster, Kubectl admin, Kubectl agent, Approver alice, ProxyProcess proxy,
            String systemNamespace, Narrator out, Duration wait) {
        this.cluster = cluster;
        this.alice = alice;
        this.admin = admin;
        this.agent = agent;
        this.proxy = proxy;
        this.systemNamespace = systemNamespace;
        this.out = out;
        this.wait = wait;
    }

    public void run() {
        readsASecret();
        dumpsTheDatabase();
        runsACommand();
        deletesADeployment();
        new AuditLines(proxy.app().directory().resolve("app.log")).print(out);
        replaysTheSession();
    }

    /** Masking: the agent may read the Secret by its RBAC, and gets it with every value replaced. */
    private void readsASecret() {
        out.step("The agent reads the database's credentials");
        Kubectl.Result result = asAgent("get", "secret", "db-credentials", "-n", AgentWorkspace.NAMESPACE,
                "-o", "jsonpath={.data.password}");
        String password = decode(result.stdout());
        out.say("(its RBAC allows get secrets, so without agentguard it would get the password)");
        out.output("password: " + password);
        if (!result.ok() || password.contains("hunter2")) {
            throw new IllegalStateException("the Secret was not masked: " + result.output());
        }
        out.allowed("masked: the proxy replaced every value in the Secret before it reached the agent");
    }

    /** Blocking: a database dump in an exec session is refused by the baseline's exec rule. */
    private void dumpsTheDatabase() {
        out.step("The agent tries to dump the database from an exec session");
        Kubectl.Result result = asAgent("exec", "postgres", "-c", "postgres", "-n", AgentWorkspace.NAMESPACE, "--", "sh", "-c",
                "pg_dump -U orders orders > /tmp/orders.sql");
        out.output(result.output());
        if (result.ok()) {
            throw new IllegalStateException("pg_dump was not refused: " + result.output());
        }
        out.refused("blocked by ClusterAgentPolicy baseline, rule no-database-dumps;"
                + " the shell script was split and pg_dump found in it");
    }

    /** Recording: an allowed exec session runs, and is recorded with a hash chain. */
    private void runsACommand() {
        out.step("The agent runs an allowed command in the database pod");
        Kubectl.Result result = asAgent("exec", "postgres", "-c", "postgres", "-n", AgentWorkspace.NAMESPACE, "--", "sh", "-c",
                "echo '" + SESSION_MARKER + "'; echo 'connected as orders'");
        out.output(result.output());
        if (!result.ok() || !result.stdout().contains(SESSION_MARKER)) {
            throw new IllegalStateException("the allowed command did not run: " + result.output());
        }
        out.allowed("allowed, and recorded: every byte in and out, for replay");
    }

    /** Approval: a destructive delete waits for a human, who approves it under their own name. */
    private void deletesADeployment() {
        out.step("The agent deletes a Deployment: a human must approve it");
        out.command("agent", "kubectl delete deployment reports -n " + AgentWorkspace.NAMESPACE);
        CompletableFuture<Kubectl.Result> delete = CompletableFuture.supplyAsync(() -> agent.runFor(wait.plusSeconds(60),
                null, "delete", "deployment", "reports", "-n", AgentWorkspace.NAMESPACE));
        var requests = cluster.admin().resources(ApprovalRequest.class).inNamespace(systemNamespace);
        Wait.until("the agent's delete held as an ApprovalRequest", wait, () -> requests.list().getItems().stream()
                .anyMatch(AgentScenario::pending));
        ApprovalRequest held = requests.list().getItems().stream().filter(AgentScenario::pending).findFirst()
                .orElseThrow();
        out.held("held: the request waits in ApprovalRequest " + held.getMetadata().getName() + " ("
                + held.getSpec().reason() + ")");
        approver("approvals");

        String name = held.getMetadata().getName();
        out.say("alice is in " + APPROVER_GROUP + ": the chart's approver role lets the group decide, and the baseline");
        out.say("policy names it in approverGroups. She approves with kubectl agentguard, under her own name:");
        approver("approve", name, "-m", "reports is retired");
        Kubectl.Result deleted = await(delete);
        out.say("the agent's kubectl, which was waiting, returns:");
        out.output(deleted.output());
        if (!deleted.ok()) {
            throw new IllegalStateException("the approved delete failed: " + deleted.output());
        }
        out.allowed("approved by " + APPROVER + "; the held request went through");
        approver("approvals", "--all");
    }

    /** Runs and prints {@code kubectl agentguard args…} as alice; throws unless it succeeds. */
    private void approver(String... args) {
        out.command("alice", alice.command(args));
        Kubectl.Result result = alice.agentguard(args);
        out.output(result.output());
        if (!result.ok()) {
            throw new IllegalStateException("kubectl agentguard " + String.join(" ", args) + " failed: "
                    + result.output());
        }
    }

    /** The recorded session, played back with asciinema, and the recordings' chain verified. */
    private void replaysTheSession() {
        out.step("Replay: what the agent saw in its exec session");
        show("admin", admin, "get", "agentsessions", "-n", systemNamespace);
        var sessions = cluster.admin().resources(AgentSession.class).inNamespace(systemNamespace);
        Wait.until("the allowed session's recording sealed", wait, () -> sessions.list().getItems().stream()
                .anyMatch(s -> s.getStatus() != null && s.getStatus().digest() != null));
        Recordings recordings = new Recordings(proxy.recordings());
        Path cast = recordings.containing(SESSION_MARKER);
        out.command("admin", "asciinema play " + cast);
        out.output(Asciinema.play(cast));
        out.command("admin", "agentguard-proxy verify " + proxy.recordings());
        out.output(recordings.verify());
    }

    private void show(String who, Kubectl kubectl, String... args) {
        out.command(who, "kubectl " + String.join(" ", args));
        out.output(kubectl.ok(null, args));
    }

    private Kubectl.Result asAgent(String... args) {
        out.command("agent", "kubectl " + quoted(List.of(args)));
        return agent.run(null, args);
    }

    private Kubectl.Result await(CompletableFuture<Kubectl.Result> pending) {
        try {
            return pending.get(wait.toSeconds() + 60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the held request did not return: " + e.getMessage(), e);
        }
    }

    /** No decision yet: the proxy creates a request without a status, and only a decision sets one. */
    private static boolean pending(ApprovalRequest request) {
        return request.getStatus() == null || request.getStatus().phase() == null
                || request.getStatus().phase() == ApprovalPhase.Pending;
    }

    /** Arguments as a shell would need them typed. */
    static String quoted(List<String> args) {
        return String.join(" ", args.stream().map(a -> a.matches("[A-Za-z0-9_./=:{}-]+") ? a
                : "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }
}
