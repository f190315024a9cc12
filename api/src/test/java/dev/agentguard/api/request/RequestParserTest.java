package dev.agentguard.api.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The attributes kube-apiserver would derive; cases mirror its RequestInfo tests. */
class RequestParserTest {

    @ParameterizedTest(name = "{0} {1}?{2} -> {3} {4}/{5} {6}/{7}/{8}/{9}")
    @CsvSource(nullValues = "-", value = {
            // method, path, query, verb, group, version, namespace, resource, name, subresource
            "GET,    /api/v1/namespaces/ns/pods,                -,              list,   '',   v1, ns, pods, '', ''",
            "GET,    /api/v1/namespaces/ns/pods,                watch=true,     watch,  '',   v1, ns, pods, '', ''",
            "GET,    /api/v1/namespaces/ns/pods,                watch=1,        watch,  '',   v1, ns, pods, '', ''",
            "GET,    /api/v1/namespaces/ns/pods,                watch=false,    list,   '',   v1, ns, pods, '', ''",
            "GET,    /api/v1/watch/namespaces/ns/pods,          -,              watch,  '',   v1, ns, pods, '', ''",
            "GET,    /api/v1/namespaces/ns/pods/p,              -,              get,    '',   v1, ns, pods, p, ''",
            "HEAD,   /api/v1/namespaces/ns/pods/p,              -,              get,    '',   v1, ns, pods, p, ''",
            "POST,   /api/v1/namespaces/ns/pods,                -,              create, '',   v1, ns, pods, '', ''",
            "PUT,    /api/v1/namespaces/ns/pods/p/status,       -,              update, '',   v1, ns, pods, p, status",
            "DELETE, /api/v1/namespaces/ns/pods/p,              -,              delete, '',   v1, ns, pods, p, ''",
            "DELETE, /api/v1/namespaces/ns/pods,                -,              deletecollection, '', v1, ns, pods, '', ''",
            "GET,    /api/v1/namespaces/ns/pods/p/exec,         command=ls,     get,    '',   v1, ns, pods, p, exec",
            "POST,   /api/v1/namespaces/ns/pods/p/portforward,  -,              create, '',   v1, ns, pods, p, portforward",
            "GET,    /api/v1/namespaces/ns/pods/p/log,          follow=true,    get,    '',   v1, ns, pods, p, log",
            "GET,    /api/v1/pods,                              -,              list,   '',   v1, '', pods, '', ''",
            "GET,    /api/v1/namespaces,                        -,              list,   '',   v1, '', namespaces, '', ''",
            "GET,    /api/v1/namespaces/ns,                     -,              get,    '',   v1, ns, namespaces, ns, ''",
            "PUT,    /api/v1/namespaces/ns/finalize,            -,              update, '',   v1, ns, namespaces, ns, finalize",
            "PUT,    /api/v1/namespaces/ns/status,              -,              update, '',   v1, ns, namespaces, ns, status",
            "GET,    /apis/apps/v1/namespaces/ns/deployments/d, -,              get,    apps, v1, ns, deployments, d, ''",
            "GET,    /apis/agentguard.dev/v1alpha1/agentpolicies, -,            list,   agentguard.dev, v1alpha1, '', agentpolicies, '', ''",
            "POST,   /api/v1/namespaces/ns/serviceaccounts/sa/token, -,         create, '',   v1, ns, serviceaccounts, sa, token",
            "GET,    /api/v1/namespaces/ns/secrets,             fieldSelector=metadata.name%3Ddb, list, '', v1, ns, secrets, db, ''",
            "GET,    /api/v1/namespaces/ns/secrets,             watch=true&fieldSelector=metadata.name%3D%3Ddb, watch, '', v1, ns, secrets, db, ''",
            "GET,    /api/v1/namespaces/ns/services/s:80/proxy/a/b, -,          get,    '',   v1, ns, services, s:80, proxy",
            "GET,    /api/v1/namespaces/ns/pods/p%2Fx,          -,              get,    '',   v1, ns, pods, p, x",
    })
    void resourceRequests(String method, String path, String query, String verb, String group, String version,
            String namespace, String resource, String name, String subresource) {
        RequestAttributes a = RequestParser.parse(method, path, query, null);

        assertThat(a.resourceRequest()).isTrue();
        assertThat(a.verb()).isEqualTo(verb);
        assertThat(a.apiGroup()).isEqualTo(group);
        assertThat(a.apiVersion()).isEqualTo(version);
        assertThat(a.namespace()).isEqualTo(namespace);
        assertThat(a.resource()).isEqualTo(resource);
        assertThat(a.name()).isEqualTo(name);
        assertThat(a.subresource()).isEqualTo(subresource);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/version",
            "/healthz", "/openapi/v3", "/.well-known/openid-configuration"})
    void discoveryAndOtherPathsAreNonResourceRequests(String path) {
        RequestAttributes a = RequestParser.parse("GET", path, null, null);

        assertThat(a.resourceRequest()).isFalse();
        assertThat(a.verb()).isEqualTo("get");
        assertThat(a.path()).isEqualTo(path);
    }

    /** Method and content type are ASCII: a Turkish default locale must not turn PATCH's I into a dotless one. */
    @Test
    void methodsAndContentTypesReadTheSameInEveryLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
        try {
            RequestAttributes patch = RequestParser.parse("PATCH", "/api/v1/namespaces/ns/pods/p", null,
                    "APPLICATION/STRATEGIC-MERGE-PATCH+JSON");
            assertThat(patch.patchType()).contains(RequestAttributes.PatchType.STRATEGIC_MERGE);
            assertThat(RequestParser.parse("OPTIONS", "/version", null, null).verb()).isEqualTo("options");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void patchTypeComesFromTheContentType() {
        assertThat(RequestParser.parse("PATCH", "/api/v1/namespaces/ns/pods/p", null,
                "application/apply-patch+yaml; charset=utf-8").patchType())
                .contains(RequestAttributes.PatchType.APPLY_YAML);
        assertThat(RequestParser.parse("PATCH", "/api/v1/namespaces/ns/pods/p", null,
                "application/strategic-merge-patch+json").patchType())
                .contains(RequestAttributes.PatchType.STRATEGIC_MERGE);
        assertThat(RequestParser.parse("PATCH", "/api/v1/namespaces/ns/pods/p", null, "text/plain").patchType())
                .isEqualTo(Optional.empty());
    }

    @Test
    void resourceWithSubresourceIsSpelledAsInRbac() {
        assertThat(RequestParser.parse("POST", "/api/v1/namespaces/ns/pods/p/exec", null, null)
                .resourceWithSubresource()).isEqualTo("pods/exec");
    }

    /** As kube-apiserver: a selected name no object can have leaves the request a list of everything. */
    @ParameterizedTest
    @ValueSource(strings = {"metadata.name%3Da/b", "metadata.name%3D%3D..", "metadata.name%3D.",
            "metadata.name%3Ddb%2525"})
    void aFieldSelectorNameThatIsNoPathSegmentNamesNothing(String selector) {
        RequestAttributes a = RequestParser.parse("GET", "/api/v1/namespaces/ns/secrets", "fieldSelector=" + selector,
                null);

        assertThat(a.verb()).isEqualTo("list");
        assertThat(a.name()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/v1/pods", "/api/v1/namespaces/ns/pods/p/exec/extra", "/api/v1/../v1/pods",
            "/api/v1/namespaces/ns/pods/%zz", "/api/v1/watch"})
    void malformedPathsAreRefusedWithAReason(String path) {
        assertThatThrownBy(() -> RequestParser.parse("GET", path, null, null))
                .isInstanceOf(MalformedRequestException.class)
                .hasMessageContaining("path");
    }
}
