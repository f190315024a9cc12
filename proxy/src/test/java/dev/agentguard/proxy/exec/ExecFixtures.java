package dev.agentguard.proxy.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.ExecPolicy;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The shipped exfiltration rule set, applied to an agent in an opted-in namespace. */
final class ExecFixtures {

    static final AgentIdentity AGENT = new AgentIdentity("agents", "coder", "coder-1", Map.of(),
            Map.of("agentguard.dev/inject", "enabled"));
    static final List<CompiledPolicy> EXFILTRATION = List.of(CompiledPolicy.compile(
            load("examples/policies/exfiltration.yaml")));

    private ExecFixtures() {
    }

    static ExecPolicy.ExecDecision decide(String line) {
        return ExecPolicy.decideScript(line, AGENT, EXFILTRATION);
    }

    /** Decides like {@link #decide} and remembers every text it was asked about. */
    static final class Recording implements Function<String, ExecPolicy.ExecDecision> {
        final List<String> asked = new ArrayList<>();

        @Override
        public ExecPolicy.ExecDecision apply(String line) {
            asked.add(line);
            return decide(line);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static ClusterAgentPolicy load(String relative) {
        try (InputStream in = Files.newInputStream(RepoFiles.find(relative))) {
            return Serialization.unmarshal(in, ClusterAgentPolicy.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
