package dev.agentguard.api.policy;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/** Kubernetes label-selector semantics; a null or empty selector matches everything. */
final class LabelSelectors {

    private LabelSelectors() {
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (var entry : selector.getMatchLabels().entrySet()) {
                if (!entry.getValue().equals(actual.get(entry.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                if (!matches(requirement, actual)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Throws {@link PolicyCompileException} for an operator Kubernetes would refuse. */
    static void validate(LabelSelector selector, String field) {
        if (selector == null || selector.getMatchExpressions() == null) {
            return;
        }
        for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
            String operator = requirement.getOperator();
            List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
            switch (operator == null ? "" : operator) {
                case "In", "NotIn" -> {
                    if (values.isEmpty()) {
                        throw new PolicyCompileException(field + ": operator " + operator + " needs values");
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (!values.isEmpty()) {
                        throw new PolicyCompileException(field + ": operator " + operator + " takes no values");
                    }
                }
                default -> throw new PolicyCompileException(field + ": unknown operator '" + operator
                        + "' (In, NotIn, Exists, DoesNotExist)");
            }
        }
    }

    private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
        };
    }
}
