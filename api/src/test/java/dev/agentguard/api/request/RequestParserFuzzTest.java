package dev.agentguard.api.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The proxy parses every request an agent sends before any policy sees it, so whatever an agent can put in
 * a request line must come back as attributes or as {@link MalformedRequestException} (a 400): any other
 * exception is a request the proxy fails on instead of judging.
 *
 * <p>An input is a request line as an agent writes it, {@code METHOD /path?query}, optionally followed by a
 * newline and a Content-Type, so that the seed inputs under {@code RequestParserFuzzTestInputs/} read as
 * requests. Split on the first {@code ?}, as the HTTP server splits a request target.
 */
class RequestParserFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] input) {
        Request request = Request.of(new String(input, StandardCharsets.UTF_8));
        RequestAttributes attributes;
        try {
            attributes = RequestParser.parse(request.method(), request.path(), request.query(),
                    request.contentType());
        } catch (MalformedRequestException refused) {
            return;
        }
        assertThat(attributes.path()).startsWith("/");
        if (attributes.resourceRequest()) {
            // Each comes from a single segment of the decoded path (split on '/'): a '/' in one would
            // mean a policy for pods/exec could be met by a resource or name spelled to look like it.
            assertThat(attributes.namespace()).doesNotContain("/");
            assertThat(attributes.resource()).isNotEmpty().doesNotContain("/");
            assertThat(attributes.subresource()).doesNotContain("/");
            assertThat(attributes.name()).doesNotContain("/");
            assertThat(attributes.apiVersion()).isNotEmpty().doesNotContain("/");
        }
        // The same request is judged the same way wherever it is parsed again (audit, masking).
        assertThat(RequestParser.parse(request.method(), request.path(), request.query(), request.contentType()))
                .isEqualTo(attributes);
    }

    /** A request line and an optional Content-Type, as the fuzz input spells them. */
    private record Request(String method, String path, String query, String contentType) {

        static Request of(String text) {
            int newline = text.indexOf('\n');
            String line = newline < 0 ? text : text.substring(0, newline);
            String contentType = newline < 0 ? null : text.substring(newline + 1);
            int space = line.indexOf(' ');
            String method = space < 0 ? "GET" : line.substring(0, space);
            String target = space < 0 ? line : line.substring(space + 1);
            int question = target.indexOf('?');
            return question < 0
                    ? new Request(method, target, null, contentType)
                    : new Request(method, target.substring(0, question), target.substring(question + 1), contentType);
        }
    }
}
