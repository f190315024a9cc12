package dev.agentguard.testing.oidc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The authorization code flow (PKCE S256) through Keycloak's real login form, with a cookie jar and
 * without following the final redirect: what a browser and a console's callback do, in plain HTTP.
 */
final class BrowserLogin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FORM_ACTION = Pattern.compile("action=\"([^\"]*login-actions/authenticate[^\"]*)\"");
    private static final Pattern CODE = Pattern.compile("[?&]code=([^&]+)");

    private final String issuer;
    private final String clientId;
    private final String redirectUri;
    private final HttpClient http;

    BrowserLogin(String issuer, String clientId, String redirectUri, SSLContext sslContext) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.redirectUri = redirectUri;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(sslContext)
                .cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    Tokens login(String user, String password) {
        String verifier = random();
        String state = random();
        String authorize = issuer + "/protocol/openid-connect/auth?" + form(Map.of("client_id", clientId,
                "redirect_uri", redirectUri, "response_type", "code", "scope", "openid", "state", state,
                "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(authorize)).GET());
        Matcher action = FORM_ACTION.matcher(page.body());
        if (page.statusCode() != 200 || !action.find()) {
            throw new IllegalStateException("Keycloak's login page for " + clientId + " got HTTP " + page.statusCode()
                    + " without a login form");
        }
        HttpResponse<String> submitted = send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", user, "password", password,
                        "credentialId", "")))));
        String location = submitted.headers().firstValue("Location").orElse("");
        Matcher code = CODE.matcher(location);
        if (submitted.statusCode() != 302 || !location.startsWith(redirectUri) || !code.find()) {
            throw new IllegalStateException("logging in " + user + " got HTTP " + submitted.statusCode()
                    + " without a redirect carrying a code (wrong password?)");
        }
        HttpResponse<String> tokens = send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code",
                        "client_id", clientId, "redirect_uri", redirectUri, "code_verifier", verifier,
                        "code", URLDecoder.decode(code.group(1), StandardCharsets.UTF_8))))));
        if (tokens.statusCode() != 200) {
            throw new IllegalStateException("exchanging the code for " + user + " got HTTP " + tokens.statusCode()
                    + ": " + tokens.body());
        }
        try {
            JsonNode body = JSON.readTree(tokens.body());
            return new Tokens(body.path("access_token").asText(), body.path("id_token").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a browser login", e);
        }
    }

    private static String form(Map<String, String> values) {
        return new LinkedHashMap<>(values).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
