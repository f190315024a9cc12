package dev.agentguard.api.request;

import java.util.Locale;
import java.util.Optional;

/**
 * What a request to the Kubernetes API is about, derived from method, path,
 * query and content type the way kube-apiserver derives its authorization
 * attributes ({@code RequestInfo}). Parsed once per request; every later stage
 * (policy, masking, audit) reads it.
 *
 * @param resourceRequest true for {@code /api/...} and {@code /apis/...} resource paths
 * @param verb            Kubernetes verb ({@code get}, {@code list}, {@code watch}, {@code create}, ...) for
 *                        resource requests, the lower-case HTTP method otherwise
 * @param path            the request path, unescaped
 * @param apiGroup        API group, "" for the core group
 * @param apiVersion      API version, e.g. {@code v1}
 * @param namespace       namespace, "" for cluster-scoped requests
 * @param resource        resource, e.g. {@code pods}
 * @param subresource     subresource, e.g. {@code exec}, or ""
 * @param name            object name, or "" for collections
 * @param patchType       for {@code patch}: which patch format the body uses
 */
public record RequestAttributes(boolean resourceRequest, String verb, String path, String apiGroup,
        String apiVersion, String namespace, String resource, String subresource, String name,
        Optional<PatchType> patchType) {

    /** {@code resource} or {@code resource/subresource}, as RBAC and policies spell it. */
    public String resourceWithSubresource() {
        return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }

    public boolean isReadOnly() {
        return switch (verb) {
            case "get", "list", "watch", "head", "options" -> true;
            default -> false;
        };
    }

    /** Body formats of PATCH, from the request's Content-Type. */
    public enum PatchType {
        JSON("application/json-patch+json"),
        MERGE("application/merge-patch+json"),
        STRATEGIC_MERGE("application/strategic-merge-patch+json"),
        APPLY_YAML("application/apply-patch+yaml"),
        APPLY_CBOR("application/apply-patch+cbor");

        private final String contentType;

        PatchType(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        static Optional<PatchType> of(String contentType) {
            if (contentType == null) {
                return Optional.empty();
            }
            String bare = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            for (PatchType type : values()) {
                if (type.contentType.equals(bare)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }
}
