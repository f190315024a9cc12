package dev.agentguard.proxy.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.api.policy.Glob;
import org.junit.jupiter.api.Test;

class JsonStreamMaskerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MaskingPlan SECRETS = new MaskingPlan(true, List.of(), List.of(), false, List.of());
    private static final String SECRET = """
            {"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"ns","annotations":{
            "kubectl.kubernetes.io/last-applied-configuration":"{\\"data\\":{\\"password\\":\\"aHVudGVyMg==\\"}}"}},
            "data":{"password":"aHVudGVyMg==","user":"YWRtaW4="},"stringData":{"plain":"hunter2"},"type":"Opaque"}""";

    @Test
    void aSingleSecretIsMaskedWhateverTheChunking() throws Exception {
        for (int split = 1; split < SECRET.length(); split += 7) {
            String masked = run(JsonStreamMasker.Shape.SINGLE, SECRETS, chunks(SECRET, split));
            assertNoSecret(masked);
            JsonNode node = JSON.readTree(masked);
            assertThat(node.at("/data/password").asText()).isEqualTo(ObjectMasker.MASKED_BYTES);
            assertThat(node.at("/data/user").asText()).isEqualTo(ObjectMasker.MASKED_BYTES);
            assertThat(node.at("/stringData/plain").asText()).isEqualTo(ObjectMasker.MASKED_TEXT);
            assertThat(node.at("/metadata/annotations/agentguard.dev~1masked").asText())
                    .isEqualTo("data,last-applied-configuration,stringData");
            assertThat(node.at("/type").asText()).isEqualTo("Opaque");
        }
    }

    @Test
    void everyItemOfAListIsMaskedAndTheListMetadataIsLeftAlone() throws Exception {
        String list = "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},"
                + "\"items\":[" + SECRET + "," + SECRET.replace("\"db\"", "\"db2\"") + "]}";

        String masked = run(JsonStreamMasker.Shape.LIST, SECRETS, chunks(list, 5));

        assertNoSecret(masked);
        JsonNode node = JSON.readTree(masked);
        assertThat(node.at("/items")).hasSize(2);
        assertThat(node.at("/items/1/metadata/name").asText()).isEqualTo("db2");
        assertThat(node.at("/metadata").has("annotations")).isFalse();
    }

    @Test
    void watchEventsAreMaskedAndEmittedOneByOne() {
        String event = "{\"type\":\"ADDED\",\"object\":" + SECRET + "}\n";
        JsonStreamMasker masker = new JsonStreamMasker(JSON, new ObjectMasker(SECRETS), JsonStreamMasker.Shape.WATCH);

        byte[] first = masker.feed(event.getBytes(StandardCharsets.UTF_8));
        String firstText = new String(first, StandardCharsets.UTF_8);
        assertThat(firstText).contains("\"ADDED\"").contains(ObjectMasker.MASKED_BYTES);
        assertNoSecret(firstText);

        byte[] half = masker.feed(event.substring(0, 40).getBytes(StandardCharsets.UTF_8));
        assertThat(half).as("nothing of an incomplete event leaves").isEmpty();
        byte[] rest = masker.feed(event.substring(40).getBytes(StandardCharsets.UTF_8));
        assertNoSecret(new String(rest, StandardCharsets.UTF_8));
        assertThat(new String(rest, StandardCharsets.UTF_8)).contains("\"ADDED\"");
        masker.end();
    }

    @Test
    void tableRowsWithObjectsOrMetadataAreMasked() throws Exception {
        String table = "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{},\"columnDefinitions\":[],"
                + "\"rows\":[{\"cells\":[\"db\",\"Opaque\",2],\"object\":" + SECRET + "},"
                + "{\"cells\":[\"x\"],\"object\":{\"kind\":\"PartialObjectMetadata\",\"metadata\":{\"name\":\"x\","
                + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"aHVudGVyMg==\"}}}}]}";

        String masked = run(JsonStreamMasker.Shape.LIST, SECRETS, chunks(table, 11));

        assertNoSecret(masked);
        assertThat(JSON.readTree(masked).at("/rows/0/cells/1").asText()).isEqualTo("Opaque");
    }

    @Test
    void configMapKeysAreMaskedOnlyWhenNamedByPolicy() throws Exception {
        MaskingPlan plan = new MaskingPlan(false, List.of(new Glob("*password*")), List.of(), false, List.of());
        String configMap = "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"app\"},"
                + "\"data\":{\"db_password\":\"hunter2\",\"mode\":\"prod\"}}";

        JsonNode node = JSON.readTree(run(JsonStreamMasker.Shape.SINGLE, plan, List.of(configMap)));

        assertThat(node.at("/data/db_password").asText()).isEqualTo(ObjectMasker.MASKED_TEXT);
        assertThat(node.at("/data/mode").asText()).isEqualTo("prod");
        assertThat(node.at("/metadata/annotations/agentguard.dev~1masked").asText()).isEqualTo("data");
    }

    @Test
    void envValuesAreMaskedInPodsAndTemplates() throws Exception {
        MaskingPlan plan = new MaskingPlan(false, List.of(), List.of(new Glob("*TOKEN*")), false, List.of());
        String deployment = "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"template\":{"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"env\":[{\"name\":\"API_TOKEN\",\"value\":\"hunter2\"},"
                + "{\"name\":\"MODE\",\"value\":\"prod\"}]}]}}}}";

        JsonNode node = JSON.readTree(run(JsonStreamMasker.Shape.SINGLE, plan, List.of(deployment)));

        assertThat(node.at("/spec/template/spec/containers/0/env/0/value").asText())
                .isEqualTo(ObjectMasker.MASKED_TEXT);
        assertThat(node.at("/spec/template/spec/containers/0/env/1/value").asText()).isEqualTo("prod");
    }

    @Test
    void malformedOrTruncatedJsonIsRefused() {
        JsonStreamMasker truncated = new JsonStreamMasker(JSON, new ObjectMasker(SECRETS),
                JsonStreamMasker.Shape.SINGLE);
        // What streams before the cut holds no value; the response is then cut off, never ended.
        assertNoSecret(new String(truncated.feed(SECRET.substring(0, 240).getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8));
        assertThatThrownBy(truncated::end).isInstanceOf(MaskingException.class);

        JsonStreamMasker garbage = new JsonStreamMasker(JSON, new ObjectMasker(SECRETS),
                JsonStreamMasker.Shape.SINGLE);
        assertThatThrownBy(() -> garbage.feed("{\"data\":{\"a\" \"b\"}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MaskingException.class);
    }

    private static void assertNoSecret(String masked) {
        assertThat(masked).doesNotContain("aHVudGVyMg==").doesNotContain("hunter2").doesNotContain("YWRtaW4=");
    }

    private static String run(JsonStreamMasker.Shape shape, MaskingPlan plan, List<String> chunks) {
        JsonStreamMasker masker = new JsonStreamMasker(JSON, new ObjectMasker(plan), shape);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String chunk : chunks) {
            out.writeBytes(masker.feed(chunk.getBytes(StandardCharsets.UTF_8)));
        }
        out.writeBytes(masker.end());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> chunks(String text, int size) {
        return Arrays.asList(text.split("(?<=\\G.{" + size + "})", -1)).stream().filter(s -> !s.isEmpty()).toList();
    }
}
