package dev.agentguard.proxy.masking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.agentguard.api.policy.Glob;

/**
 * Masks one Kubernetes object token by token: what {@link ObjectMasker} does to a
 * decoded object, without decoding it. The object's bytes pass through as they
 * came ({@link SplicedOutput}); only the values of {@code data}, {@code stringData}
 * and {@code binaryData} are replaced, as their tokens arrive, so a Secret's values
 * are never held or written. In {@code metadata}, the masked annotation (which
 * depends on what follows) and the masked last-applied-configuration are holes,
 * filled when the object ends; until then the object's output waits.
 *
 * <p>Objects inside the object are masked the same way, as {@link ObjectMasker}
 * does: a watch event's or a Table row's {@code object}, and each element of
 * {@code items} and {@code rows}.
 */
final class TokenMaskedObject implements MaskedObject {

    private static final byte[] MASKED_BYTES = quoted(ObjectMasker.MASKED_BYTES);
    private static final byte[] MASKED_TEXT = quoted(ObjectMasker.MASKED_TEXT);

    /** What was masked, one bit each, in the annotation's (alphabetical) order. */
    private static final List<String> MASKED_NAMES = List.of("binaryData", "data", "last-applied-configuration",
            "stringData");
    private static final int LAST_APPLIED_BIT = 1 << 2;
    /** The annotation's value for each set of bits: ObjectMasker's sorted list, or "none". */
    private static final String[] ANNOTATION_VALUES = new String[1 << MASKED_NAMES.size()];

    static {
        for (int bits = 0; bits < ANNOTATION_VALUES.length; bits++) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < MASKED_NAMES.size(); i++) {
                if ((bits & 1 << i) != 0) {
                    names.add(MASKED_NAMES.get(i));
                }
            }
            // A Secret with nothing in it, or metadata only (Table rows): say it was inspected.
            ANNOTATION_VALUES[bits] = names.isEmpty() ? "none" : String.join(",", names);
        }
    }

    private static int bit(String field) {
        return 1 << MASKED_NAMES.indexOf(field);
    }

    private final MaskingPlan plan;
    private final SplicedOutput out;
    private final Deque<Frame> frames = new ArrayDeque<>();
    /** A field name was read whose value must be replaced or held: the input after it waits. */
    private boolean valuePending;
    private int masked;

    TokenMaskedObject(MaskingPlan plan, SplicedOutput out) {
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
    public boolean accept(JsonParser parser, JsonToken token, long end) throws IOException {
        Frame top = frames.peek();
        if (top == null) {
            // The object's first token.
            frames.push(token == JsonToken.START_OBJECT ? new KubeObject() : new Nested(null));
            return false;
        }
        // Checks against the final frame classes instead of one interface call: the call
        // site would see six classes, too many for the JIT to inline, at every token.
        if (top instanceof Nested nested) {
            nested.accept(parser, token, end);
        } else if (top instanceof Metadata metadata) {
            metadata.accept(parser, token, end);
        } else if (top instanceof KubeObject object) {
            object.accept(parser, token, end);
        } else {
            top.accept(parser, token, end);
        }
        return frames.isEmpty();
    }

    @Override
    public boolean canAdvance() {
        return !valuePending;
    }

    @Override
    public int masked() {
        return masked;
    }

    /** An open JSON container, with what to do with the tokens directly inside it. */
    private interface Frame {
        void accept(JsonParser parser, JsonToken token, long end) throws IOException;
    }

    /** What to do where a nested value ends. */
    private interface Ended {
        void at(long end);
    }

    /**
     * A container passed in whatever mode the output is in (copied, dropped or
     * captured); containers inside it are counted, not framed.
     */
    private final class Nested implements Frame {
        private final Ended ended;
        private int depth = 1;

        Nested(Ended ended) {
            this.ended = ended;
        }

        @Override
        public void accept(JsonParser parser, JsonToken token, long end) throws IOException {
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd() && --depth == 0) {
                frames.pop();
                if (ended != null) {
                    ended.at(end);
                }
            }
        }
    }

    /**
     * Replaces (or holds aside) the value whose field name ended at {@code nameEnd}
     * and whose first token is the current one.
     *
     * @param replacement written in the value's place, or null to capture it for a hole
     * @param captured    given the captured bytes, when replacement is null
     */
    private void takeValue(JsonToken token, long nameEnd, long end, byte[] replacement, CapturedValue captured) {
        valuePending = false;
        out.advance(out.valueStart(nameEnd));
        if (replacement != null) {
            out.write(replacement);
            out.dropping();
        } else {
            out.capturing();
        }
        Ended ended = at -> {
            out.advance(at);
            byte[] original = replacement == null ? out.captured() : null;
            out.copying();
            if (captured != null) {
                captured.took(original);
            }
        };
        if (token.isStructStart()) {
            frames.push(new Nested(ended));
        } else {
            ended.at(end);
        }
    }

    private interface CapturedValue {
        void took(byte[] original);
    }

    /** An array whose object elements are objects to mask ({@code items}, {@code rows}). */
    private final class Elements implements Frame {
        @Override
        public void accept(JsonParser parser, JsonToken token, long end) throws IOException {
            switch (token) {
                case START_OBJECT -> frames.push(new KubeObject());
                case START_ARRAY -> frames.push(new Nested(null));
                case END_ARRAY -> frames.pop();
                default -> {
                }
            }
        }
    }

    /** {@code data}, {@code stringData} or {@code binaryData}: values replaced by key. */
    private final class Values implements Frame {
        private final KubeObject owner;
        private final byte[] placeholder;
        private final int bit;
        /** Keys to mask; null masks every key. */
        private final List<Glob> keys;
        private boolean maskNext;
        private long nameEnd;

        Values(KubeObject owner, String field, byte[] placeholder, List<Glob> keys) {
            this.owner = owner;
            this.bit = bit(field);
            this.placeholder = placeholder;
            this.keys = keys;
        }

        @Override
        public void accept(JsonParser parser, JsonToken token, long end) throws IOException {
            if (token == JsonToken.FIELD_NAME) {
                maskNext = keys == null || matches(keys, parser.currentName());
                nameEnd = end;
                valuePending = maskNext;
            } else if (token == JsonToken.END_OBJECT) {
                frames.pop();
            } else if (maskNext) {
                maskNext = false;
                owner.what |= bit;
                masked++;
                takeValue(token, nameEnd, end, placeholder, null);
            } else if (token.isStructStart()) {
                frames.push(new Nested(null));
            }
        }
    }

    /** How a hole in an object's metadata is filled when the object is masked. */
    private enum HoleKind {
        /** a last-applied-configuration value */
        LAST_APPLIED,
        /** the value of a masked annotation the object already had */
        MASKED_VALUE,
        /** annotations that were null */
        ANNOTATIONS_FOR_NULL,
        /** before the end of empty annotations */
        ADD_MASKED,
        /** before the end of annotations with entries but not the masked annotation */
        ADD_MASKED_AFTER_OTHERS,
        /** before the end of metadata without annotations */
        ADD_ANNOTATIONS
    }

    private record MetadataHole(SplicedOutput.Hole hole, HoleKind kind) {
    }

    /** An object: its maps masked as they pass, its metadata's holes filled at its end. */
    private final class KubeObject implements Frame {
        /** What was masked, as bits of {@link #MASKED_NAMES}. */
        private int what;
        private List<MetadataHole> holes;
        private String field;
        /** metadata is an object with a name: ObjectMasker's test for an object, not a list or a Status. */
        private boolean named;

        @Override
        public void accept(JsonParser parser, JsonToken token, long end) throws IOException {
            if (token == JsonToken.FIELD_NAME) {
                field = parser.currentName();
                return;
            }
            if (token == JsonToken.END_OBJECT) {
                frames.pop();
                fillHoles();
                return;
            }
            if (token == JsonToken.START_OBJECT) {
                frames.push(switch (field) {
                    case "metadata" -> new Metadata(this);
                    case "data" -> plan.secrets() ? new Values(this, field, MASKED_BYTES, null)
                            : plan.configMapKeys().isEmpty() ? new Nested(null)
                            : new Values(this, field, MASKED_TEXT, plan.configMapKeys());
                    case "stringData" -> plan.secrets() ? new Values(this, field, MASKED_TEXT, null)
                            : new Nested(null);
                    case "binaryData" -> plan.configMapKeys().isEmpty() ? new Nested(null)
                            : new Values(this, field, MASKED_BYTES, plan.configMapKeys());
                    case "object" -> new KubeObject();
                    default -> new Nested(null);
                });
            } else if (token == JsonToken.START_ARRAY) {
                frames.push("items".equals(field) || "rows".equals(field) ? new Elements() : new Nested(null));
            }
        }

        void hole(byte[] original, HoleKind kind) {
            if (holes == null) {
                holes = new ArrayList<>(2);
            }
            holes.add(new MetadataHole(out.hole(original), kind));
        }

        /**
         * As {@link ObjectMasker}: an object that masking applies to gets its
         * last-applied-configuration masked and the masked annotation; otherwise its
         * metadata stays as it came.
         */
        private void fillHoles() {
            if (holes == null) {
                return;
            }
            boolean annotate = named && (plan.secrets() || what != 0);
            int bits = what;
            for (MetadataHole hole : holes) {
                if (hole.kind() == HoleKind.LAST_APPLIED) {
                    bits |= LAST_APPLIED_BIT;
                }
            }
            if (!annotate) {
                holes.forEach(hole -> out.fill(hole.hole(), hole.hole().original()));
                return;
            }
            String entry = "\"" + ObjectMasker.MASKED_ANNOTATION + "\":\"" + ANNOTATION_VALUES[bits] + "\"";
            for (MetadataHole hole : holes) {
                out.fill(hole.hole(), switch (hole.kind()) {
                    case LAST_APPLIED -> MASKED_TEXT;
                    case MASKED_VALUE -> quoted(ANNOTATION_VALUES[bits]);
                    case ANNOTATIONS_FOR_NULL -> bytes("{" + entry + "}");
                    case ADD_MASKED -> bytes(entry);
                    case ADD_MASKED_AFTER_OTHERS -> bytes("," + entry);
                    case ADD_ANNOTATIONS -> bytes(",\"annotations\":{" + entry + "}");
                });
            }
            if ((bits & LAST_APPLIED_BIT) != 0) {
                masked++;
            }
        }
    }

    /** An object's metadata: notes whether it names an object, and leaves holes for the annotations. */
    private final class Metadata implements Frame {
        private final KubeObject owner;
        private String field;
        private long nameEnd;
        private boolean annotations;

        Metadata(KubeObject owner) {
            this.owner = owner;
        }

        @Override
        public void accept(JsonParser parser, JsonToken token, long end) throws IOException {
            if (token == JsonToken.FIELD_NAME) {
                field = parser.currentName();
                nameEnd = end;
                // Objects have a name; list and table metadata (ListMeta) and Status never do.
                owner.named |= "name".equals(field) || "generateName".equals(field);
                if ("annotations".equals(field)) {
                    annotations = true;
                    valuePending = true;
                }
            } else if (token == JsonToken.END_OBJECT) {
                frames.pop();
                if (!annotations) {
                    out.advance(end - 1);
                    owner.hole(new byte[0], HoleKind.ADD_ANNOTATIONS);
                }
            } else if ("annotations".equals(field)) {
                valuePending = false;
                if (token == JsonToken.START_OBJECT) {
                    frames.push(new Annotations(owner));
                } else if (token == JsonToken.VALUE_NULL) {
                    takeValue(token, nameEnd, end, null, original -> owner.hole(original, HoleKind.ANNOTATIONS_FOR_NULL));
                } else {
                    throw new MaskingException("a masked object's metadata.annotations is not an object");
                }
            } else if (token.isStructStart()) {
                frames.push(new Nested(null));
            }
        }
    }

    /** Annotations: last-applied-configuration and agentguard's own annotation become holes. */
    private final class Annotations implements Frame {
        private final KubeObject owner;
        private HoleKind next;
        private long nameEnd;
        private boolean entries;
        private boolean maskedAnnotation;

        Annotations(KubeObject owner) {
            this.owner = owner;
        }

        @Override
        public void accept(JsonParser parser, JsonToken token, long end) throws IOException {
            if (token == JsonToken.FIELD_NAME) {
                entries = true;
                String key = parser.currentName();
                next = ObjectMasker.LAST_APPLIED.equals(key) ? HoleKind.LAST_APPLIED
                        : ObjectMasker.MASKED_ANNOTATION.equals(key) ? HoleKind.MASKED_VALUE : null;
                nameEnd = end;
                valuePending = next != null;
            } else if (token == JsonToken.END_OBJECT) {
                frames.pop();
                if (!maskedAnnotation) {
                    out.advance(end - 1);
                    owner.hole(new byte[0], entries ? HoleKind.ADD_MASKED_AFTER_OTHERS : HoleKind.ADD_MASKED);
                }
            } else if (next != null) {
                HoleKind kind = next;
                next = null;
                // Set from what was masked here, never what the object claimed.
                maskedAnnotation |= kind == HoleKind.MASKED_VALUE;
                takeValue(token, nameEnd, end, null, original -> owner.hole(original, kind));
            } else if (token.isStructStart()) {
                frames.push(new Nested(null));
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

    private static byte[] quoted(String text) {
        return bytes("\"" + text + "\"");
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
