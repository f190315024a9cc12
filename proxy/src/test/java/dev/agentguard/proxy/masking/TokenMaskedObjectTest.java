package dev.agentguard.proxy.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.agentguard.api.policy.Glob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token-level masker must give what masking the decoded object gives, for any
 * object the API server could send and however its bytes are chunked: the
 * decoded-tree masker ({@link ObjectMasker}) is the reference.
 */
class TokenMaskedObjectTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final MaskingPlan SECRETS = new MaskingPlan(true, List.of(), List.of(), false, List.of());
    private static final MaskingPlan CONFIG_MAP_KEYS = new MaskingPlan(false,
            List.of(new Glob("*password*"), new Glob("token")), List.of(), false, List.of());

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void givesWhatMaskingTheDecodedObjectGives(long seed) throws Exception {
        Random random = new Random(seed);
        for (int i = 0; i < 150; i++) {
            MaskingPlan plan = random.nextBoolean() ? SECRETS : CONFIG_MAP_KEYS;
            JsonStreamMasker.Shape shape = JsonStreamMasker.Shape.values()[random.nextInt(3)];
            String body = body(random, shape);
            int chunk = 1 + random.nextInt(random.nextBoolean() ? 8 : 4096);

            Result tree = run(body, plan, shape, false, chunk);
            Result token = run(body, plan, shape, true, chunk);

            assertThat(token.masked()).as("values masked, seed %d case %d: %s", seed, i, body)
                    .isEqualTo(tree.masked());
            assertThat(values(token.output(), shape)).as("seed %d case %d: %s", seed, i, body)
                    .isEqualTo(values(tree.output(), shape));
        }
    }

    @Test
    void aSecretsValuesAreNeverWrittenWhateverTheChunking() {
        String secret = "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"data\":{\"password\":\"SECRET-1\","
                + "\"nested\":{\"deep\":[\"SECRET-2\"]}},\"stringData\":{\"plain\":\"SECRET-3\"},\"type\":\"Opaque\"}";
        for (int chunk = 1; chunk <= secret.length(); chunk++) {
            Result result = run(secret, SECRETS, JsonStreamMasker.Shape.SINGLE, true, chunk);
            assertThat(result.output()).doesNotContain("SECRET-").contains("\"type\":\"Opaque\"");
            assertThat(result.masked()).isEqualTo(3);
        }
    }

    @Test
    void escapesAndWhitespaceDoNotMoveWhatIsMasked() {
        String secret = "{ \"metadata\" : { \"name\" : \"db\" } ,\n \"data\"\t:\r\n{ \"pass\\u0077ord\" \n:\n "
                + "\"SECRET-\\\"1\\u0041\" , \"b\":\"SECRET-2\\\\\" } }";
        for (int chunk = 1; chunk <= secret.length(); chunk++) {
            Result result = run(secret, SECRETS, JsonStreamMasker.Shape.SINGLE, true, chunk);
            assertThat(result.output()).doesNotContain("SECRET").contains(ObjectMasker.MASKED_BYTES);
            assertThat(result.masked()).isEqualTo(2);
        }
    }

    @Test
    void anObjectClaimingItWasMaskedGetsWhatWasReallyMasked() throws Exception {
        String secret = "{\"metadata\":{\"name\":\"db\",\"annotations\":{\"agentguard.dev/masked\":\"everything\"}},"
                + "\"data\":{}}";

        JsonNode masked = JSON.readTree(run(secret, SECRETS, JsonStreamMasker.Shape.SINGLE, true, 3).output());

        assertThat(masked.at("/metadata/annotations/agentguard.dev~1masked").asText()).isEqualTo("none");
    }

    @Test
    void annotationsThatAreNotAnObjectAreRefusedByBothMaskers() {
        String secret = "{\"metadata\":{\"name\":\"db\",\"annotations\":\"x\"},\"data\":{\"a\":\"SECRET-1\"}}";
        for (boolean tokenLevel : new boolean[] {true, false}) {
            assertThatThrownBy(() -> run(secret, SECRETS, JsonStreamMasker.Shape.SINGLE, tokenLevel, 5))
                    .isInstanceOf(MaskingException.class).hasMessageContaining("annotations");
        }
    }

    @Test
    void aPlanThatNeedsWholeObjectsIsNotMaskedTokenByToken() {
        MaskingPlan env = new MaskingPlan(false, List.of(), List.of(new Glob("*")), false, List.of());

        assertThat(TokenMaskedObject.handles(env)).isFalse();
        assertThatThrownBy(() -> new JsonStreamMasker(JSON, new ObjectMasker(env), JsonStreamMasker.Shape.SINGLE, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Each watch event is its own value; a body is one value otherwise. */
    private static List<JsonNode> values(String output, JsonStreamMasker.Shape shape) throws Exception {
        List<JsonNode> values = new ArrayList<>();
        try (var it = JSON.readerFor(JsonNode.class).readValues(output)) {
            while (it.hasNext()) {
                values.add((JsonNode) it.next());
            }
        }
        if (shape != JsonStreamMasker.Shape.WATCH) {
            assertThat(values).hasSize(1);
        }
        return values;
    }

    private record Result(String output, int masked) {
    }

    private static Result run(String body, MaskingPlan plan, JsonStreamMasker.Shape shape, boolean tokenLevel,
            int chunk) {
        JsonStreamMasker masker = new JsonStreamMasker(JSON, new ObjectMasker(plan), shape, tokenLevel);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += chunk) {
            out.writeBytes(masker.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk))));
        }
        out.writeBytes(masker.end());
        return new Result(out.toString(StandardCharsets.UTF_8), masker.masked());
    }

    // Random bodies shaped like the API server's answers, with the odd shapes an attacker
    // or a future API server could give: values of every type where maps are expected,
    // nested objects in maps, metadata before or after the data, missing or null annotations.

    private static String body(Random random, JsonStreamMasker.Shape shape) throws Exception {
        // Whitespace anywhere JSON allows it: the masker finds values by their bytes.
        ObjectWriter writer = random.nextInt(3) == 0 ? JSON.writerWithDefaultPrettyPrinter() : JSON.writer();
        return switch (shape) {
            case SINGLE -> writer.writeValueAsString(random.nextInt(5) == 0 ? table(random) : object(random));
            case LIST -> writer.writeValueAsString(random.nextInt(4) == 0 ? table(random) : list(random));
            case WATCH -> {
                StringBuilder events = new StringBuilder();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    ObjectNode event = NODES.objectNode();
                    event.put("type", random.nextBoolean() ? "ADDED" : "BOOKMARK");
                    event.set("object", object(random));
                    events.append(JSON.writeValueAsString(event)).append('\n');
                }
                yield events.toString();
            }
        };
    }

    private static ObjectNode list(Random random) {
        ObjectNode list = NODES.objectNode();
        list.put("kind", "SecretList");
        list.putObject("metadata").put("resourceVersion", "7");
        ArrayNode items = list.putArray("items");
        for (int i = random.nextInt(5); i > 0; i--) {
            items.add(random.nextInt(8) == 0 ? NODES.textNode("not-an-object") : object(random));
        }
        return list;
    }

    private static ObjectNode table(Random random) {
        ObjectNode table = NODES.objectNode();
        table.put("kind", "Table");
        table.putObject("metadata");
        table.putArray("columnDefinitions").addObject().put("name", "Name");
        ArrayNode rows = table.putArray("rows");
        for (int i = random.nextInt(4); i > 0; i--) {
            ObjectNode row = rows.addObject();
            row.putArray("cells").add("db").add(2);
            if (random.nextBoolean()) {
                row.set("object", object(random));
            }
        }
        return table;
    }

    private static ObjectNode object(Random random) {
        ObjectNode object = NODES.objectNode();
        List<Runnable> fields = new ArrayList<>(List.of(
                () -> object.put("kind", "Secret"),
                () -> object.set("metadata", metadata(random)),
                () -> maybeMap(random, object, "data"),
                () -> maybeMap(random, object, "stringData"),
                () -> maybeMap(random, object, "binaryData"),
                () -> object.put("type", "Opaque"),
                // A "data" that is not the object's own is never masked.
                () -> object.putObject("spec").putObject("data").put("password", "plain")));
        Collections.shuffle(fields, random);
        fields.subList(0, 1 + random.nextInt(fields.size())).forEach(Runnable::run);
        return object;
    }

    private static JsonNode metadata(Random random) {
        if (random.nextInt(10) == 0) {
            return NODES.nullNode();
        }
        ObjectNode metadata = NODES.objectNode();
        switch (random.nextInt(4)) {
            case 0 -> metadata.put("name", "db");
            case 1 -> metadata.put("generateName", "db-");
            case 2 -> metadata.putNull("name");
            default -> metadata.put("resourceVersion", "1");
        }
        metadata.put("namespace", "ns");
        switch (random.nextInt(4)) {
            case 0 -> metadata.putNull("annotations");
            case 1 -> {
                ObjectNode annotations = metadata.putObject("annotations");
                annotations.put("team", "a");
                if (random.nextBoolean()) {
                    annotations.put(ObjectMasker.LAST_APPLIED, "{\"data\":{\"password\":\"aHVudGVyMg==\"}}");
                }
                if (random.nextBoolean()) {
                    annotations.put(ObjectMasker.MASKED_ANNOTATION, "forged");
                }
            }
            default -> {
            }
        }
        metadata.putArray("managedFields").addObject().putObject("fieldsV1").putObject("f:data").putObject("f:x");
        return metadata;
    }

    private static void maybeMap(Random random, ObjectNode object, String field) {
        switch (random.nextInt(6)) {
            case 0 -> object.putNull(field);
            case 1 -> object.put(field, "plain-not-a-map");
            default -> {
                ObjectNode map = object.putObject(field);
                String[] keys = {"password", "db_password", "token", "mode", "user", "tok\nen", "pässword"};
                for (int i = random.nextInt(keys.length + 1) - 1; i >= 0; i--) {
                    String key = keys[i];
                    String value = "value-" + i;
                    switch (random.nextInt(5)) {
                        case 0 -> map.putObject(key).putArray("nested").add(value);
                        case 1 -> map.putNull(key);
                        default -> map.put(key, value);
                    }
                }
            }
        }
    }
}
