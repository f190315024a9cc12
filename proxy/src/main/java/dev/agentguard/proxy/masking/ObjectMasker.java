package dev.agentguard.proxy.masking;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.agentguard.api.policy.Glob;

/**
 * Masks one decoded Kubernetes object in place, whatever shape it arrives in: the
 * object itself, a watch event, a Table (rows' objects) or a list. Keys are kept,
 * values replaced; a masked object is annotated with what was masked, and its
 * {@code kubectl.kubernetes.io/last-applied-configuration} annotation (a full
 * copy of the applied object) is masked too.
 */
public final class ObjectMasker {

    /** Base64 of "agentguard:masked": valid where clients decode Secret data. */
    public static final String MASKED_BYTES = "YWdlbnRndWFyZDptYXNrZWQ=";
    /** Placeholder for string-typed values. */
    public static final String MASKED_TEXT = "agentguard:masked";
    public static final String MASKED_ANNOTATION = "agentguard.dev/masked";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private final MaskingPlan plan;

    public ObjectMasker(MaskingPlan plan) {
        this.plan = plan;
    }

    public MaskingPlan plan() {
        return plan;
    }

    /** Masks the value and returns how many values were replaced. */
    public int mask(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return 0;
        }
        int masked = 0;
        // Containers of objects: watch events, Tables, lists.
        masked += mask(object.get("object"));
        for (String array : new String[] {"rows", "items"}) {
            JsonNode elements = object.get(array);
            if (elements != null && elements.isArray()) {
                for (JsonNode element : elements) {
                    masked += mask(element);
                }
            }
        }
        return masked + maskObject(object);
    }

    private int maskObject(ObjectNode object) {
        TreeSet<String> what = new TreeSet<>();
        int masked = 0;
        if (plan.secrets()) {
            masked += maskValues(object, "data", MASKED_BYTES, null, what);
            masked += maskValues(object, "stringData", MASKED_TEXT, null, what);
        }
        if (!plan.configMapKeys().isEmpty()) {
            masked += maskValues(object, "data", MASKED_TEXT, plan, what);
            masked += maskValues(object, "binaryData", MASKED_BYTES, plan, what);
        }
        if (!plan.envNames().isEmpty()) {
            masked += maskEnv(object.get("spec"), what);
        }
        JsonNode metadata = object.get("metadata");
        // Objects have a name; list and table metadata (ListMeta) and Status never do.
        boolean isObject = metadata instanceof ObjectNode && (metadata.has("name") || metadata.has("generateName"));
        if (isObject && (plan.secrets() || !what.isEmpty())) {
            JsonNode existing = metadata.get("annotations");
            if (existing != null && !existing.isNull() && !existing.isObject()) {
                throw new MaskingException("a masked object's metadata.annotations is not an object");
            }
            ObjectNode annotations = ((ObjectNode) metadata).withObject("annotations");
            if (annotations.has(LAST_APPLIED)) {
                annotations.put(LAST_APPLIED, MASKED_TEXT);
                what.add("last-applied-configuration");
                masked++;
            }
            if (what.isEmpty()) {
                // A Secret with nothing in it, or metadata only (Table rows): say it was inspected.
                what.add("none");
            }
            annotations.put(MASKED_ANNOTATION, String.join(",", what));
        }
        return masked;
    }

    private static int maskValues(ObjectNode object, String field, String placeholder, MaskingPlan keysOf,
            TreeSet<String> what) {
        JsonNode values = object.get(field);
        if (!(values instanceof ObjectNode map)) {
            return 0;
        }
        int masked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (keysOf == null || keysOf.configMapKeys().stream().anyMatch(g -> g.matches(entry.getKey()))) {
                entry.setValue(map.textNode(placeholder));
                masked++;
            }
        }
        if (masked > 0) {
            what.add(field);
        }
        return masked;
    }

    /** Container env values by name, in a pod spec or in any pod template under it. */
    private int maskEnv(JsonNode spec, TreeSet<String> what) {
        if (spec == null || !spec.isObject()) {
            return 0;
        }
        int masked = 0;
        for (String list : new String[] {"containers", "initContainers", "ephemeralContainers"}) {
            JsonNode containers = spec.get(list);
            if (containers == null || !containers.isArray()) {
                continue;
            }
            for (JsonNode container : containers) {
                JsonNode env = container.get("env");
                if (env == null || !env.isArray()) {
                    continue;
                }
                for (JsonNode variable : env) {
                    if (variable instanceof ObjectNode var && var.has("value") && var.has("name")
                            && matches(plan.envNames(), var.get("name").asText())) {
                        var.put("value", MASKED_TEXT);
                        what.add("env");
                        masked++;
                    }
                }
            }
        }
        // Workloads: spec.template.spec; CronJobs: spec.jobTemplate.spec.template.spec.
        JsonNode template = spec.path("template").path("spec");
        masked += maskEnv(template.isMissingNode() ? null : template, what);
        JsonNode jobTemplate = spec.path("jobTemplate").path("spec");
        masked += maskEnv(jobTemplate.isMissingNode() ? null : jobTemplate, what);
        return masked;
    }

    private static boolean matches(java.util.List<Glob> globs, String name) {
        return globs.stream().anyMatch(g -> g.matches(name));
    }
}
