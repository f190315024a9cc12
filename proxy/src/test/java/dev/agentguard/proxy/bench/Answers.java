package dev.agentguard.proxy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.proxy.masking.ObjectMasker;

/**
 * The answers the API benchmark's requests must get, from the objects {@link ApiAgent}
 * created: the same data direct and proxied, except that Secrets come back masked through
 * the proxy and never in clear.
 */
final class Answers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    /** GET of one ConfigMap: that object, with its data. */
    static Expected configMap(String name) {
        return json(200, body -> {
            if (!name.equals(body.path("metadata").path("name").asText())) {
                return "not ConfigMap " + name + " but " + body.path("kind").asText() + " "
                        + body.path("metadata").path("name").asText();
            }
            return ApiAgent.PAYLOAD.equals(body.path("data").path("value").asText()) ? null
                    : "ConfigMap " + name + " without its data";
        });
    }

    /** LIST of ConfigMaps: every one of {@code cm-*}, each with its data. */
    static Expected configMaps(int count) {
        return json(200, body -> {
            List<JsonNode> items = items(body, "cm-");
            if (items.size() != count) {
                return items.size() + " ConfigMaps cm-* of " + count;
            }
            return items.stream().filter(i -> !ApiAgent.PAYLOAD.equals(i.path("data").path("value").asText()))
                    .map(i -> "ConfigMap " + name(i) + " without its data").findFirst().orElse(null);
        });
    }

    /** LIST of Secrets straight from the API server: every one of {@code s-*}, values in clear. */
    static Expected secrets(int count) {
        return secretList(count, secret -> {
            String user = ApiAgent.base64(ApiAgent.user(Integer.parseInt(name(secret).substring(2))));
            Map<String, String> want = Map.of("password", ApiAgent.base64(ApiAgent.PAYLOAD), "user", user);
            return want.equals(data(secret)) ? null : "Secret " + name(secret) + " holds " + data(secret).keySet()
                    + " but not the values it was given";
        });
    }

    /**
     * LIST of Secrets through the proxy: every one of {@code s-*}, keys kept, every value the
     * placeholder, each annotated as masked; and no password anywhere in the body.
     */
    static Expected maskedSecrets(int count) {
        Expected list = secretList(count, secret -> {
            Map<String, String> data = data(secret);
            if (!data.keySet().equals(Set.of("password", "user"))) {
                return "Secret " + name(secret) + " with keys " + data.keySet() + ", not [password, user]";
            }
            if (!data.values().stream().allMatch(ObjectMasker.MASKED_BYTES::equals)) {
                return "Secret " + name(secret) + " not masked";
            }
            return secret.path("metadata").path("annotations").has(ObjectMasker.MASKED_ANNOTATION) ? null
                    : "Secret " + name(secret) + " without the " + ObjectMasker.MASKED_ANNOTATION + " annotation";
        });
        String password = ApiAgent.base64(ApiAgent.PAYLOAD);
        return (status, body) -> body.contains(password) ? Optional.of("a password in clear") : list.problem(status, body);
    }

    /** GET of an object that does not exist: the API server's NotFound, so the token and RBAC were accepted. */
    static Expected notFound() {
        return json(404, body -> "NotFound".equals(body.path("reason").asText()) ? null
                : "a 404 that is not the API server's NotFound: " + body);
    }

    private static Expected secretList(int count, Function<JsonNode, String> eachSecret) {
        return json(200, body -> {
            List<JsonNode> items = items(body, "s-");
            if (items.size() != count) {
                return items.size() + " Secrets s-* of " + count;
            }
            return items.stream().map(eachSecret).filter(p -> p != null).findFirst().orElse(null);
        });
    }

    /**
     * An answer of {@code status} whose JSON body {@code problem} finds nothing wrong with
     * ({@code null}). Any other status is reported with the start of its body: the proxy's
     * and the API server's Status messages say why (an unknown token, a refused pod).
     */
    private static Expected json(int status, Function<JsonNode, String> problem) {
        return (actualStatus, body) -> {
            if (actualStatus != status) {
                return Optional.of("answered " + actualStatus + " instead of " + status + ": " + start(body));
            }
            try {
                return Optional.ofNullable(problem.apply(JSON.readTree(body)));
            } catch (JsonProcessingException e) {
                return Optional.of("answered a body that is not JSON: " + start(body));
            }
        };
    }

    /** The list's items named {@code prefix*}: the namespace also holds objects the cluster adds (kube-root-ca.crt). */
    private static List<JsonNode> items(JsonNode list, String prefix) {
        List<JsonNode> items = new ArrayList<>();
        list.path("items").forEach(item -> {
            if (name(item).startsWith(prefix)) {
                items.add(item);
            }
        });
        return items;
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static Map<String, String> data(JsonNode secret) {
        Map<String, String> data = new TreeMap<>();
        secret.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    private static String start(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
