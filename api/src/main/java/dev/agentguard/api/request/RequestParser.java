package dev.agentguard.api.request;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses an HTTP request line into {@link RequestAttributes}, following
 * kube-apiserver's {@code RequestInfoFactory}: {@code /api/<version>} and
 * {@code /apis/<group>/<version>} prefixes, the namespace segment (with
 * {@code namespaces/<name>/status|finalize} as subresources of the namespace),
 * the legacy {@code /watch/} prefix, {@code watch=true}, collection deletes and
 * {@code fieldSelector=metadata.name=...} narrowing a list or watch to one name.
 */
public final class RequestParser {

    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
    private static final Map<String, String> VERBS = Map.of(
            "POST", "create", "GET", "get", "HEAD", "get", "PUT", "update", "PATCH", "patch",
            "DELETE", "delete");

    private RequestParser() {
    }

    /**
     * @param method HTTP method
     * @param rawPath path as sent, percent-encoded
     * @param rawQuery query string as sent (may be null)
     * @param contentType Content-Type header (may be null)
     * @throws MalformedRequestException for a path no API server would route
     */
    public static RequestAttributes parse(String method, String rawPath, String rawQuery, String contentType) {
        if (method == null || rawPath == null || !rawPath.startsWith("/")) {
            throw new MalformedRequestException("the request path must start with '/'");
        }
        String path = decode(rawPath);
        if (Arrays.asList(path.split("/")).contains("..")) {
            throw new MalformedRequestException("the request path must not contain '..' segments");
        }
        List<String> parts = new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
        String lowerMethod = method.toLowerCase(Locale.ROOT);
        RequestAttributes nonResource = new RequestAttributes(false, lowerMethod, path, "", "", "", "", "", "",
                Optional.empty());

        String apiGroup;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            apiGroup = "";
            parts = parts.subList(1, parts.size());
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            apiGroup = parts.get(1);
            parts = parts.subList(2, parts.size());
        } else {
            return nonResource;
        }
        String apiVersion = parts.get(0);
        parts = parts.subList(1, parts.size());

        String verb = VERBS.get(method.toUpperCase(Locale.ROOT));
        if (verb == null) {
            return nonResource;
        }
        if (parts.get(0).equals("watch")) {
            // Deprecated /watch/ prefix: GET only, always a watch.
            verb = "watch";
            parts = parts.subList(1, parts.size());
            if (parts.isEmpty()) {
                throw new MalformedRequestException("a watch path must name a resource");
            }
        }

        String namespace = "";
        if (parts.get(0).equals("namespaces")) {
            if (parts.size() > 1) {
                namespace = parts.get(1);
                if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
                    parts = parts.subList(2, parts.size());
                }
            }
        }
        String resource = parts.get(0);
        String name = parts.size() >= 2 ? parts.get(1) : "";
        String subresource = parts.size() >= 3 ? parts.get(2) : "";
        if (parts.size() > 3 && !"proxy".equals(subresource)) {
            // Only the proxy subresources take a trailing path.
            throw new MalformedRequestException("unexpected path segments after the subresource: " + path);
        }
        if (namespace.isEmpty() && resource.equals("namespaces") && !name.isEmpty()) {
            // A namespace is cluster-scoped, but authorization sees it as the namespace itself.
            namespace = name;
        }

        Map<String, List<String>> query = Query.parse(rawQuery);
        if (name.isEmpty()) {
            if (verb.equals("get")) {
                verb = Query.isTrue(query, "watch") ? "watch" : "list";
            } else if (verb.equals("delete")) {
                verb = "deletecollection";
            }
            if (verb.equals("list") || verb.equals("watch") || verb.equals("deletecollection")) {
                name = Query.nameFromFieldSelector(query).orElse("");
            }
        }
        Optional<RequestAttributes.PatchType> patchType = verb.equals("patch")
                ? RequestAttributes.PatchType.of(contentType)
                : Optional.empty();
        return new RequestAttributes(true, verb, path, apiGroup, apiVersion, namespace, resource, subresource,
                name, patchType);
    }

    private static String decode(String rawPath) {
        try {
            // '+' is a literal in paths, unlike in forms.
            return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedRequestException("the request path is not valid percent-encoding");
        }
    }
}
