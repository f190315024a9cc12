package dev.agentguard.api.policy;

import java.util.List;

import dev.agentguard.api.request.RequestAttributes;
import dev.agentguard.api.v1alpha1.Action;
import dev.agentguard.api.v1alpha1.ApiRule;

/**
 * An {@link ApiRule} ready to match: empty lists and {@code *} match anything;
 * resources may name a subresource ({@code pods/exec}) or all of them
 * ({@code pods/*}); a bare resource matches only requests without subresource,
 * as in RBAC, so {@code pods} does not match {@code pods/exec}.
 */
record CompiledRule(String name, Action action, List<String> verbs, List<String> apiGroups,
        List<String> resources, List<Glob> namespaces, List<Glob> names, String reason) {

    static CompiledRule compile(ApiRule rule, String field) {
        if (rule.name() == null || rule.name().isBlank()) {
            throw new PolicyCompileException(field + ".name: required");
        }
        if (rule.action() == null) {
            throw new PolicyCompileException(field + ".action: required (Allow, Deny, RequireApproval)");
        }
        for (String resource : rule.resources()) {
            if (!resource.matches("[a-z0-9.*-]+(/[a-z0-9*-]+)?")) {
                throw new PolicyCompileException(field + ".resources: '" + resource
                        + "' is not resource or resource/subresource (e.g. pods/exec)");
            }
        }
        return new CompiledRule(rule.name(), rule.action(), rule.verbs(), rule.apiGroups(), rule.resources(),
                rule.namespaces().stream().map(Glob::new).toList(), rule.names().stream().map(Glob::new).toList(),
                rule.reason() == null ? "" : rule.reason());
    }

    boolean matches(RequestAttributes request) {
        if (!request.resourceRequest()) {
            // Non-resource paths (discovery, /version, /healthz) are not subject to API rules.
            return false;
        }
        return anyOrContains(verbs, request.verb())
                && anyOrContains(apiGroups, request.apiGroup())
                && (resources.isEmpty() || resources.stream().anyMatch(r -> resourceMatches(r, request)))
                && (namespaces.isEmpty() || namespaces.stream().anyMatch(g -> g.matches(request.namespace())))
                && (names.isEmpty() || names.stream().anyMatch(g -> g.matches(request.name())));
    }

    private static boolean anyOrContains(List<String> values, String value) {
        return values.isEmpty() || values.contains(Glob.ANY) || values.contains(value);
    }

    private static boolean resourceMatches(String pattern, RequestAttributes request) {
        if (pattern.equals(Glob.ANY)) {
            return true;
        }
        int slash = pattern.indexOf('/');
        String resource = slash < 0 ? pattern : pattern.substring(0, slash);
        String subresource = slash < 0 ? "" : pattern.substring(slash + 1);
        boolean resourceOk = resource.equals(Glob.ANY) || resource.equals(request.resource());
        boolean subresourceOk = subresource.equals(Glob.ANY) || subresource.equals(request.subresource());
        return resourceOk && subresourceOk;
    }
}
