package dev.agentguard.proxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.agentguard.proxy.masking.ObjectMasker;

/** The API benchmark's checks catch the wrong answers they are there for, and pass the right ones. */
class AnswersTest {

    private static final String PASSWORD = ApiAgent.base64(ApiAgent.PAYLOAD);

    @Test
    void aRefusalIsReportedWithItsStatusAndMessage() {
        String unauthorized = """
                {"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized: pod bench/agent no longer exists","reason":"Unauthorized","code":401}""";

        assertThat(Answers.configMap("cm-1").problem(401, unauthorized)).hasValueSatisfying(problem -> assertThat(
                problem).startsWith("answered 401 instead of 200: ").contains("pod bench/agent no longer exists"));
    }

    @Test
    void aConfigMapIsRightOnlyWithItsData() {
        assertThat(Answers.configMap("cm-1").problem(200, configMap("cm-1", ApiAgent.PAYLOAD))).isEmpty();
        assertThat(Answers.configMap("cm-1").problem(200, configMap("cm-1", "other")))
                .contains("ConfigMap cm-1 without its data");
        assertThat(Answers.configMap("cm-1").problem(200, configMap("cm-2", ApiAgent.PAYLOAD)))
                .contains("not ConfigMap cm-1 but ConfigMap cm-2");
    }

    @Test
    void aListMustHoldEveryObjectTheBenchmarkCreated() {
        String list = "{\"kind\":\"ConfigMapList\",\"items\":[" + configMap("cm-0", ApiAgent.PAYLOAD) + ","
                + configMap("kube-root-ca.crt", "ca") + "]}";

        assertThat(Answers.configMaps(1).problem(200, list)).isEmpty();
        assertThat(Answers.configMaps(2).problem(200, list)).contains("1 ConfigMaps cm-* of 2");
    }

    @Test
    void secretsAreInClearDirectAndMaskedThroughTheProxy() {
        String clear = secretList(PASSWORD, ApiAgent.base64(ApiAgent.user(0)), "");
        String masked = secretList(ObjectMasker.MASKED_BYTES, ObjectMasker.MASKED_BYTES,
                ",\"annotations\":{\"" + ObjectMasker.MASKED_ANNOTATION + "\":\"data\"}");

        assertThat(Answers.secrets(1).problem(200, clear)).isEmpty();
        assertThat(Answers.maskedSecrets(1).problem(200, masked)).isEmpty();
        assertThat(Answers.maskedSecrets(1).problem(200, clear)).contains("a password in clear");
        assertThat(Answers.secrets(1).problem(200, masked)).hasValueSatisfying(problem -> assertThat(problem)
                .contains("not the values it was given"));
    }

    @Test
    void aMissingObjectMustBeTheApiServersNotFound() {
        assertThat(Answers.notFound().problem(404, "{\"kind\":\"Status\",\"reason\":\"NotFound\",\"code\":404}"))
                .isEmpty();
        assertThat(Answers.notFound().problem(403, "{\"kind\":\"Status\",\"reason\":\"Forbidden\",\"code\":403}"))
                .hasValueSatisfying(problem -> assertThat(problem).startsWith("answered 403 instead of 404"));
        assertThat(Answers.notFound().problem(404, "<html>not found</html>"))
                .contains("answered a body that is not JSON: <html>not found</html>");
    }

    private static String configMap(String name, String value) {
        return "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"value\":\"" + value + "\"}}";
    }

    private static String secretList(String password, String user, String annotations) {
        return "{\"kind\":\"SecretList\",\"items\":[{\"metadata\":{\"name\":\"s-0\"" + annotations
                + "},\"data\":{\"password\":\"" + password + "\",\"user\":\"" + user + "\"}}]}";
    }
}
