package dev.agentguard.api.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterPolicySpec;
import dev.agentguard.api.v1alpha1.PolicySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The compiled policy bundle: the specs of every policy that compiles, in one
 * ConfigMap (in the system namespace) that the operator writes and every proxy reads. Both sides use this
 * class, so the proxy recompiles exactly the specs the operator validated, with
 * the same {@link CompiledPolicy} code. The version is a content hash, so the
 * same set of policies always has the same version.
 */
public final class PolicyBundle {

    public static final String NAME = "agentguard-policies";
    public static final String VERSION_KEY = "version";
    public static final String POLICIES_KEY = "policies.json";
    /** On each proxy's Lease: the bundle version it enforces. */
    public static final String LEASE_ANNOTATION = "agentguard.dev/policy-bundle";
    public static final String LEASE_PREFIX = "agentguard-proxy-";

    /** One policy in the bundle; {@code spec} is the CRD's spec as JSON-compatible maps. */
    public record Entry(String kind, String namespace, String name, Long generation, Object spec) {

        public String key() {
            return kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
        }
    }

    /** A built bundle: what goes in, what was left out (key to compile error), and the ConfigMap data. */
    public record Built(String version, List<Entry> entries, Map<String, String> rejected) {

        public Map<String, String> data() {
            return Map.of(VERSION_KEY, version, POLICIES_KEY, Serialization.asJson(entries));
        }

        public Long generationOf(String key) {
            for (Entry entry : entries) {
                if (entry.key().equals(key)) {
                    return entry.generation();
                }
            }
            return null;
        }
    }

    private PolicyBundle() {
    }

    public static String key(AgentPolicy policy) {
        return "AgentPolicy/" + policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
    }

    public static String key(ClusterAgentPolicy policy) {
        return "ClusterAgentPolicy//" + policy.getMetadata().getName();
    }

    /** Compiles every policy; those that compile go in the bundle, the others are reported with their error. */
    public static Built build(Collection<AgentPolicy> namespaced, Collection<ClusterAgentPolicy> clusterWide) {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        for (AgentPolicy policy : namespaced) {
            try {
                CompiledPolicy.compile(policy);
                entries.add(new Entry("AgentPolicy", policy.getMetadata().getNamespace(),
                        policy.getMetadata().getName(), policy.getMetadata().getGeneration(),
                        Serialization.jsonMapper().convertValue(policy.getSpec(), Object.class)));
            } catch (PolicyCompileException | IllegalArgumentException e) {
                rejected.put(key(policy), e.getMessage());
            }
        }
        for (ClusterAgentPolicy policy : clusterWide) {
            try {
                CompiledPolicy.compile(policy);
                entries.add(new Entry("ClusterAgentPolicy", "", policy.getMetadata().getName(),
                        policy.getMetadata().getGeneration(),
                        Serialization.jsonMapper().convertValue(policy.getSpec(), Object.class)));
            } catch (PolicyCompileException | IllegalArgumentException e) {
                rejected.put(key(policy), e.getMessage());
            }
        }
        entries.sort(Comparator.comparing(Entry::key));
        String json = Serialization.asJson(entries);
        return new Built(hash(json), List.copyOf(entries), rejected);
    }

    /**
     * Reads a bundle ConfigMap's data and compiles all of it. Throws if anything
     * is missing, the version is not the hash of the content (an edit by hand that
     * kept a version key), or anything does not compile: a bundle is applied whole
     * or not at all, and only as the operator wrote it.
     */
    public static List<CompiledPolicy> parse(Map<String, String> data) {
        if (data == null || data.get(VERSION_KEY) == null || data.get(POLICIES_KEY) == null) {
            throw new PolicyCompileException("bundle has no " + VERSION_KEY + " or " + POLICIES_KEY);
        }
        if (!hash(data.get(POLICIES_KEY)).equals(data.get(VERSION_KEY))) {
            throw new PolicyCompileException("bundle " + data.get(VERSION_KEY) + " does not match its content");
        }
        List<Map<String, Object>> entries;
        try {
            entries = Serialization.jsonMapper().readValue(data.get(POLICIES_KEY),
                    new TypeReference<List<Map<String, Object>>>() {
                    });
        } catch (Exception e) {
            throw new PolicyCompileException("bundle " + data.get(VERSION_KEY) + " is not valid JSON: " + e.getMessage());
        }
        List<CompiledPolicy> compiled = new ArrayList<>();
        for (Map<String, Object> entry : entries) {
            String kind = String.valueOf(entry.get("kind"));
            String name = String.valueOf(entry.get("name"));
            Object spec = entry.get("spec");
            switch (kind) {
                case "AgentPolicy" -> {
                    AgentPolicy policy = new AgentPolicy();
                    policy.setMetadata(new ObjectMetaBuilder().withName(name)
                            .withNamespace(String.valueOf(entry.get("namespace"))).build());
                    policy.setSpec(Serialization.jsonMapper().convertValue(spec, PolicySpec.class));
                    compiled.add(CompiledPolicy.compile(policy));
                }
                case "ClusterAgentPolicy" -> {
                    ClusterAgentPolicy policy = new ClusterAgentPolicy();
                    policy.setMetadata(new ObjectMetaBuilder().withName(name).build());
                    policy.setSpec(Serialization.jsonMapper().convertValue(spec, ClusterPolicySpec.class));
                    compiled.add(CompiledPolicy.compile(policy));
                }
                default -> throw new PolicyCompileException("bundle entry of unknown kind " + kind);
            }
        }
        return List.copyOf(compiled);
    }

    /**
     * Reads a bundle's data back into its entries without compiling them, for a
     * reader that must know which generations a bundle in place holds (the
     * operator, after a restart). Throws if a key is missing, the JSON is not a
     * list of entries, or the version is not the hash of the content: a bundle
     * edited by hand, even one that kept a version key, is not taken for one
     * {@link #build} wrote.
     */
    public static Built read(Map<String, String> data) {
        if (data == null || data.get(VERSION_KEY) == null || data.get(POLICIES_KEY) == null) {
            throw new PolicyCompileException("bundle has no " + VERSION_KEY + " or " + POLICIES_KEY);
        }
        String version = data.get(VERSION_KEY);
        if (!hash(data.get(POLICIES_KEY)).equals(version)) {
            throw new PolicyCompileException("bundle " + version + " does not match its content");
        }
        try {
            List<Entry> entries = Serialization.jsonMapper().readValue(data.get(POLICIES_KEY),
                    new TypeReference<List<Entry>>() {
                    });
            return new Built(version, List.copyOf(entries), Map.of());
        } catch (Exception e) {
            // Not the parser's message: it may quote the content.
            throw new PolicyCompileException("bundle " + version + " is not a list of bundle entries");
        }
    }

    private static String hash(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
