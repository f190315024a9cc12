package dev.agentguard.proxy.masking;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import dev.agentguard.api.policy.Glob;

/**
 * Masks one Kubernetes object token by token: what {@link ObjectMasker} does to a
 * decoded object, without decoding it. Values of {@code data}, {@code stringData}
 * and {@code binaryData} are replaced as their tokens arrive, so a Secret's values
 * are never held, copied or written; everything else streams through. Only
 * {@code metadata} is held (it must carry the masked annotation, which depends on
 * what follows it), and it is written last, after the object's other fields.
 * Field order in a JSON object carries no meaning to Kubernetes clients.
 *
 * <p>Objects inside the object are masked the same way, as {@link ObjectMasker}
 * does: a watch event's or a Table row's {@code object}, and each element of
 * {@code items} and {@code rows}.
 */
final class TokenMaskedObject implements MaskedObject {

    private static final SerializedString MASKED_BYTES = new SerializedString(ObjectMasker.MASKED_BYTES);
    private static final SerializedString MASKED_TEXT = new SerializedString(ObjectMasker.MASKED_TEXT);

    private final MaskingPlan plan;
    private final JsonGenerator out;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private int masked;

    TokenMaskedObject(MaskingPlan plan, JsonGenerator out) {
        this.plan = plan;
        this.out = out;
    }

    /**
     * Whether a plan's masking can be done token by token: a map's values are
     * masked by their own key. Container env needs a variable's {@code name}, which
     * may come after its {@code value}, and so the whole object.
     */
    static boolean handles(MaskingPlan plan) {
        return plan.envNames().isEmpty() && !(plan.secrets() && !plan.configMapKeys().isEmpty());
    }

    @Override
    public boolean accept(JsonParser parser, JsonToken token) throws IOException {
        Frame top = frames.peek();
        if (top == null) {
            // The object's first token.
            out.copyCurrentEvent(parser);
            frames.push(token == JsonToken.START_OBJECT ? new KubeObject() : new Copy());
            return false;
        }
        top.accept(parser, token);
        return frames.isEmpty();
    }

    @Override
    public int masked() {
        return masked;
    }

    /** An open JSON container, with what to do with the tokens inside it. */
    private interface Frame {
        void accept(JsonParser parser, JsonToken token) throws IOException;
    }

    /** A subtree copied as it is; nested containers are counted, not framed. */
    private final class Copy implements Frame {
        private int depth = 1;

        @Override
        public void accept(JsonParser parser, JsonToken token) throws IOException {
            out.copyCurrentEvent(parser);
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd() && --depth == 0) {
                frames.pop();
            }
        }
    }

    /** A masked value's subtree: nothing of it is written. */
    private final class Skip implements Frame {
        private int depth = 1;

        @Override
        public void accept(JsonParser parser, JsonToken token) {
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd() && --depth == 0) {
                frames.pop();
            }
        }
    }

    /** An array whose object elements are objects to mask ({@code items}, {@code rows}). */
    private final class Elements implements Frame {
        @Override
        public void accept(JsonParser parser, JsonToken token) throws IOException {
            out.copyCurrentEvent(parser);
            switch (token) {
                case START_OBJECT -> frames.push(new KubeObject());
                case START_ARRAY -> frames.push(new Copy());
                case END_ARRAY -> frames.pop();
                default -> {
                }
            }
        }
    }

    /** {@code data}, {@code stringData} or {@code binaryData}: values replaced by key. */
    private final class Values implements Frame {
        private final KubeObject owner;
        private final String field;
        private final SerializableString placeholder;
        /** Keys to mask; null masks every key. */
        private final List<Glob> keys;
        private boolean maskNext;

        Values(KubeObject owner, String field, SerializableString placeholder, List<Glob> keys) {
            this.owner = owner;
            this.field = field;
            this.placeholder = placeholder;
            this.keys = keys;
        }

        @Override
        public void accept(JsonParser parser, JsonToken token) throws IOException {
            if (token == JsonToken.FIELD_NAME) {
                out.copyCurrentEvent(parser);
                maskNext = keys == null || matches(keys, parser.currentName());
            } else if (token == JsonToken.END_OBJECT) {
                out.copyCurrentEvent(parser);
                frames.pop();
            } else if (maskNext) {
                out.writeString(placeholder);
                owner.what.add(field);
                masked++;
                if (token.isStructStart()) {
                    frames.push(new Skip());
                }
            } else {
                out.copyCurrentEvent(parser);
                if (token.isStructStart()) {
                    frames.push(new Copy());
                }
            }
        }
    }

    /** An object: its maps masked, its metadata held, and written last with the masked annotation. */
    private final class KubeObject implements Frame {
        private final TreeSet<String> what = new TreeSet<>();
        private String field;
        private TokenBuffer metadata;
        private boolean named;

        @Override
        public void accept(JsonParser parser, JsonToken token) throws IOException {
            if (token == JsonToken.FIELD_NAME) {
                field = parser.currentName();
                if (!"metadata".equals(field)) {
                    out.copyCurrentEvent(parser);
                }
                return;
            }
            if (token == JsonToken.END_OBJECT) {
                writeMetadata();
                out.copyCurrentEvent(parser);
                frames.pop();
                return;
            }
            if ("metadata".equals(field)) {
                // A repeated key replaces the earlier value, as it does when the object is decoded.
                metadata = new TokenBuffer(parser);
                metadata.copyCurrentEvent(parser);
                named = false;
                if (token.isStructStart()) {
                    frames.push(new Metadata(this));
                }
                return;
            }
            out.copyCurrentEvent(parser);
            if (token == JsonToken.START_OBJECT) {
                Frame inner = switch (field) {
                    case "data" -> plan.secrets() ? new Values(this, field, MASKED_BYTES, null)
                            : plan.configMapKeys().isEmpty() ? new Copy()
                            : new Values(this, field, MASKED_TEXT, plan.configMapKeys());
                    case "stringData" -> plan.secrets() ? new Values(this, field, MASKED_TEXT, null) : new Copy();
                    case "binaryData" -> plan.configMapKeys().isEmpty() ? new Copy()
                            : new Values(this, field, MASKED_BYTES, plan.configMapKeys());
                    case "object" -> new KubeObject();
                    default -> new Copy();
                };
                frames.push(inner);
            } else if (token == JsonToken.START_ARRAY) {
                frames.push("items".equals(field) || "rows".equals(field) ? new Elements() : new Copy());
            }
        }

        /**
         * Metadata as it came, except, for an object (one with a name) that masking
         * applies to: its last-applied-configuration masked and the masked annotation
         * set, as {@link ObjectMasker} does.
         */
        private void writeMetadata() throws IOException {
            if (metadata == null) {
                return;
            }
            out.writeFieldName("metadata");
            try (JsonParser held = metadata.asParser()) {
                JsonToken first = held.nextToken();
                if (first != JsonToken.START_OBJECT || !named || !(plan.secrets() || !what.isEmpty())) {
                    out.copyCurrentStructure(held);
                    return;
                }
                out.writeStartObject();
                boolean annotated = false;
                while (held.nextToken() == JsonToken.FIELD_NAME) {
                    String name = held.currentName();
                    JsonToken value = held.nextToken();
                    if (!"annotations".equals(name)) {
                        out.writeFieldName(name);
                        out.copyCurrentStructure(held);
                    } else if (value == JsonToken.START_OBJECT) {
                        writeAnnotations(held);
                        annotated = true;
                    } else if (value != JsonToken.VALUE_NULL) {
                        throw new MaskingException("a masked object's metadata.annotations is not an object");
                    }
                }
                if (!annotated) {
                    out.writeObjectFieldStart("annotations");
                    writeMaskedAnnotation(false);
                    out.writeEndObject();
                }
                out.writeEndObject();
            }
        }

        /** Copies annotations, the held parser at their START_OBJECT, masking and setting agentguard's. */
        private void writeAnnotations(JsonParser held) throws IOException {
            out.writeFieldName("annotations");
            out.writeStartObject();
            boolean lastApplied = false;
            while (held.nextToken() == JsonToken.FIELD_NAME) {
                String key = held.currentName();
                held.nextToken();
                if (ObjectMasker.LAST_APPLIED.equals(key)) {
                    out.writeFieldName(key);
                    out.writeString(MASKED_TEXT);
                    held.skipChildren();
                    if (!lastApplied) {
                        masked++;
                    }
                    lastApplied = true;
                } else if (ObjectMasker.MASKED_ANNOTATION.equals(key)) {
                    // Set below from what was masked here; never what the object claimed.
                    held.skipChildren();
                } else {
                    out.writeFieldName(key);
                    out.copyCurrentStructure(held);
                }
            }
            writeMaskedAnnotation(lastApplied);
            out.writeEndObject();
        }

        private void writeMaskedAnnotation(boolean lastApplied) throws IOException {
            TreeSet<String> all = new TreeSet<>(what);
            if (lastApplied) {
                all.add("last-applied-configuration");
            }
            if (all.isEmpty()) {
                // A Secret with nothing in it, or metadata only (Table rows): say it was inspected.
                all.add("none");
            }
            out.writeStringField(ObjectMasker.MASKED_ANNOTATION, String.join(",", all));
        }
    }

    /** A held metadata object: copied to its buffer, noting whether it names an object. */
    private final class Metadata implements Frame {
        private final KubeObject owner;
        private int depth = 1;

        Metadata(KubeObject owner) {
            this.owner = owner;
        }

        @Override
        public void accept(JsonParser parser, JsonToken token) throws IOException {
            owner.metadata.copyCurrentEvent(parser);
            if (token == JsonToken.FIELD_NAME && depth == 1) {
                String name = parser.currentName();
                // Objects have a name; list and table metadata (ListMeta) and Status never do.
                owner.named |= "name".equals(name) || "generateName".equals(name);
            } else if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd() && --depth == 0) {
                frames.pop();
            }
        }
    }

    private static boolean matches(List<Glob> globs, String name) {
        for (Glob glob : globs) {
            if (glob.matches(name)) {
                return true;
            }
        }
        return false;
    }
}
