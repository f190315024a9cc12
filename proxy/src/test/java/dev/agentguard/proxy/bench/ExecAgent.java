package dev.agentguard.proxy.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The agent of the exec benchmark: its namespace, allowed to exec into pods, its pod (whose
 * bound token it presents) and the target pod, both on the kwok node, which runs an exec's
 * command as a local process.
 */
record ExecAgent(String namespace, String token) {

    static ExecAgent create(KubernetesClient admin, String namespace) {
        BenchEnvironment.agentNamespace(admin, namespace,
                new PolicyRuleBuilder().withApiGroups("").withResources("pods").withVerbs("get").build(),
                new PolicyRuleBuilder().withApiGroups("").withResources("pods/exec").withVerbs("get", "create")
                        .build());
        Pod agent = BenchEnvironment.pod(admin, namespace, "agent");
        BenchEnvironment.pod(admin, namespace, "target");
        admin.pods().inNamespace(namespace).withName("target").waitUntilCondition(p -> p != null
                && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()), 60, TimeUnit.SECONDS);
        return new ExecAgent(namespace, BenchEnvironment.boundToken(admin, agent));
    }

    /** Without the token: a report or a failure message never carries a credential. */
    @Override
    public String toString() {
        return "ExecAgent[" + namespace + "]";
    }

    /** The exec URI of {@code command} in the target pod: stdout and stderr, or a terminal with stdin. */
    String exec(boolean tty, String... command) {
        String args = Arrays.stream(command).map(c -> "command=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return "/api/v1/namespaces/" + namespace + "/pods/target/exec?" + args
                + (tty ? "&stdin=true&stdout=true&tty=true" : "&stdout=true&stderr=true");
    }
}
