package dev.agentguard.kubectl.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.agentguard.api.policy.CompiledPolicy;
import dev.agentguard.api.policy.PolicyCompileException;
import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import dev.agentguard.kubectl.Failure;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * AgentPolicies and ClusterAgentPolicies from YAML files, compiled as the operator compiles them
 * for the proxies. A policy that would not compile is refused here as the API server would
 * refuse it at apply, naming the file.
 */
final class PolicyFiles {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private PolicyFiles() {
    }

    static List<CompiledPolicy> load(List<Path> files, String defaultNamespace) {
        List<CompiledPolicy> policies = new ArrayList<>();
        for (Path file : files) {
            for (HasMetadata object : read(file)) {
                policies.add(compile(file, object, defaultNamespace));
            }
        }
        if (policies.isEmpty()) {
            throw Failure.of("no AgentPolicy or ClusterAgentPolicy in " + files);
        }
        return policies;
    }

    private static List<HasMetadata> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw Failure.of(file + ": no such file");
        }
        Object parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = SERIALIZATION.unmarshal(in);
        } catch (IOException | RuntimeException e) {
            throw Failure.of(file + ": not a Kubernetes YAML or JSON document: " + firstLine(e.getMessage()));
        }
        List<HasMetadata> objects = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            list.stream().filter(HasMetadata.class::isInstance).map(HasMetadata.class::cast).forEach(objects::add);
        } else if (parsed instanceof HasMetadata object) {
            objects.add(object);
        }
        return objects;
    }

    private static CompiledPolicy compile(Path file, HasMetadata object, String defaultNamespace) {
        String name = object.getKind() + " " + object.getMetadata().getName();
        try {
            switch (object.getKind()) {
                case "ClusterAgentPolicy" -> {
                    return CompiledPolicy.compile(SERIALIZATION.convertValue(object, ClusterAgentPolicy.class));
                }
                case "AgentPolicy" -> {
                    AgentPolicy policy = SERIALIZATION.convertValue(object, AgentPolicy.class);
                    // Like kubectl apply: an AgentPolicy without a namespace goes where the agent is.
                    if (policy.getMetadata().getNamespace() == null) {
                        policy.getMetadata().setNamespace(defaultNamespace);
                    }
                    return CompiledPolicy.compile(policy);
                }
                default -> throw Failure.of(file + ": " + name + " is not an agentguard policy"
                        + " (AgentPolicy or ClusterAgentPolicy)");
            }
        } catch (PolicyCompileException | IllegalArgumentException e) {
            throw Failure.of(file + ": " + name + " would be refused: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
