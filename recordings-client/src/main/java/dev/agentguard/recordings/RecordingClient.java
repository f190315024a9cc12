package dev.agentguard.recordings;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Fetches a session's recording, or the proxy's verification of it, from the
 * node proxy that wrote it, as the caller: their bearer token goes to the proxy,
 * which asks the API server who they are and whether they may
 * {@code get agentsessions/recording}. The Kubernetes client (the caller's too)
 * only finds the proxy and its CA bundle. Thread-safe; one instance per caller
 * identity's client is fine, tokens are passed per call.
 */
public final class RecordingClient {

    public static final String PATH = "/agentguard/v1/recordings/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final String systemNamespace;
    private final ProxyLocator locator;
    /** Built on first use: one read of the CA bundle and one TLS context for all of this client's fetches. */
    private HttpClient http;

    public RecordingClient(KubernetesClient client, String systemNamespace) {
        this.client = client;
        this.systemNamespace = systemNamespace;
        this.locator = new ProxyLocator(client, systemNamespace);
    }

    /** The asciicast v2 file as recorded, streamed; the caller closes it. */
    public InputStream fetch(String session, String bearerToken) {
        HttpResponse<InputStream> response = send(session, "", bearerToken);
        return response.body();
    }

    /** Whether the session's recording and the chain up to it are intact, as its proxy checks it. */
    public Verification verification(String session, String bearerToken) {
        HttpResponse<InputStream> response = send(session, "/verification", bearerToken);
        try (InputStream body = response.body()) {
            JsonNode json = JSON.readTree(body);
            List<String> problems = new ArrayList<>();
            json.path("problems").forEach(p -> problems.add(p.asText()));
            return new Verification(json.path("session").asText(session), json.path("intact").asBoolean(false),
                    problems, json.path("digest").isTextual() ? json.path("digest").asText() : null,
                    json.path("incomplete").asBoolean(false));
        } catch (IOException e) {
            throw new RecordingException("the proxy's verification of " + session + " is not readable: "
                    + e.getMessage(), e);
        }
    }

    private HttpResponse<InputStream> send(String session, String suffix, String bearerToken) {
        if (bearerToken == null || bearerToken.isBlank()) {
            throw new RecordingException(401, "recordings need a bearer token");
        }
        ProxyEndpoint proxy = locator.locate(session);
        URI uri = proxy.uri(PATH + systemNamespace + "/" + session + suffix);
        HttpClient http = http(proxy.serverName());
        HttpRequest request = HttpRequest.newBuilder(uri).GET().header("Authorization", "Bearer " + bearerToken)
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RecordingException("cannot reach the agentguard proxy on node " + proxy.node() + " ("
                    + proxy.host() + ":" + proxy.port() + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordingException("interrupted while fetching " + session, e);
        }
        if (response.statusCode() != 200) {
            throw new RecordingException(response.statusCode(), message(response));
        }
        return response;
    }

    private synchronized HttpClient http(String serverName) {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                    .sslContext(ProxyTrust.context(ProxyTrust.bundle(client, systemNamespace), serverName))
                    .build();
        }
        return http;
    }

    /** The proxy's Status message, on one line; the status line when the body is not one. */
    private static String message(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(16 * 1024);
            JsonNode json = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (json != null && json.path("message").isTextual()) {
                return json.path("message").asText().replaceAll("[\\r\\n]+", " ");
            }
        } catch (IOException | RuntimeException e) {
            // Not a Status: fall back to the code.
        }
        return "the agentguard proxy answered HTTP " + response.statusCode();
    }
}
