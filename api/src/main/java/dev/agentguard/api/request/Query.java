package dev.agentguard.api.request;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Query parameters, decoded as the API server decodes them. */
public final class Query {

    private Query() {
    }

    /** Every parameter with its values in order; throws {@link MalformedRequestException} on bad encoding. */
    public static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                result.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw new MalformedRequestException("the query string is not valid percent-encoding");
            }
        }
        return result;
    }

    /** As kube-apiserver reads booleans such as {@code watch}: the first value, "true" or "1". */
    static boolean isTrue(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values != null && !values.isEmpty()
                && (values.get(0).equalsIgnoreCase("true") || values.get(0).equals("1"));
    }

    /**
     * {@code fieldSelector=metadata.name=X} (or {@code ==X}) names a single object, when X could be one's
     * name: kube-apiserver takes it only if it is a valid path segment (IsValidPathSegmentName), so neither
     * {@code .} nor {@code ..} and without {@code /} or {@code %}. Otherwise the request stays a list of the
     * whole collection, which is what a policy must judge it as.
     */
    static Optional<String> nameFromFieldSelector(Map<String, List<String>> query) {
        List<String> selectors = query.get("fieldSelector");
        if (selectors == null || selectors.isEmpty()) {
            return Optional.empty();
        }
        for (String requirement : selectors.get(0).split(",")) {
            String trimmed = requirement.trim();
            for (String operator : List.of("==", "=")) {
                String prefix = "metadata.name" + operator;
                if (trimmed.startsWith(prefix) && !trimmed.startsWith("metadata.name!=")) {
                    return Optional.of(trimmed.substring(prefix.length())).filter(Query::isPathSegmentName);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isPathSegmentName(String name) {
        return !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('%') < 0;
    }
}
