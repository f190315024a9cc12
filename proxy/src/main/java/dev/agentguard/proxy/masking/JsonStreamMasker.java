package dev.agentguard.proxy.masking;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Masks a JSON response as it streams. Bytes are fed as they arrive (Jackson's
 * non-blocking parser); tokens outside the objects to mask are copied straight to
 * the output, and each object to mask is handed to a {@link MaskedObject}: token by
 * token ({@link TokenMaskedObject}) where the plan allows it, which holds only an
 * object's metadata, otherwise whole ({@link TreeMaskedObject}). No value that must
 * be masked ever reaches the output. A watch's output is released one whole event
 * at a time, since each event is one WebSocket message.
 */
public final class JsonStreamMasker implements StreamMasker {

    /** Where the objects are in the response. */
    public enum Shape {
        /** get: the root value is the object (or a Table of it). */
        SINGLE,
        /** list: elements of the root's {@code items} (or a Table's {@code rows}). */
        LIST,
        /** watch: every root value is an event carrying one object. */
        WATCH
    }

    private final ObjectMapper mapper;
    private final ObjectMasker masker;
    private final Shape shape;
    private final boolean tokenLevel;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final Output out = new Output();
    private final JsonGenerator generator;
    /** Field name (or null for array elements) of each open container outside the objects to mask. */
    private final Deque<String> path = new ArrayDeque<>();
    private String pendingField;
    private MaskedObject current;
    private int masked;

    public JsonStreamMasker(ObjectMapper mapper, ObjectMasker masker, Shape shape) {
        this(mapper, masker, shape, TokenMaskedObject.handles(masker.plan()));
    }

    /** @param tokenLevel mask token by token; the plan must allow it ({@link TokenMaskedObject#handles}) */
    JsonStreamMasker(ObjectMapper mapper, ObjectMasker masker, Shape shape, boolean tokenLevel) {
        if (tokenLevel && !TokenMaskedObject.handles(masker.plan())) {
            throw new IllegalArgumentException("this masking plan needs whole objects: " + masker.plan());
        }
        this.mapper = mapper;
        this.masker = masker;
        this.shape = shape;
        this.tokenLevel = tokenLevel;
        try {
            this.parser = mapper.getFactory().createNonBlockingByteArrayParser();
            this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
            // Watch events are newline-delimited, as the API server writes them.
            this.generator = mapper.getFactory().createGenerator(out)
                    .setPrettyPrinter(new MinimalPrettyPrinter("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] feed(byte[] chunk) {
        try {
            feeder.feedInput(chunk, 0, chunk.length);
            drain();
            return takeOutput();
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    /** Ends the stream; fails if it stopped inside a value. */
    @Override
    public byte[] end() {
        try {
            feeder.endOfInput();
            drain();
            if (!path.isEmpty() || current != null) {
                throw new MaskingException("the response ended inside a JSON value");
            }
            return takeOutput();
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    @Override
    public int masked() {
        return masked;
    }

    private void drain() throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            if (current == null && token.isStructStart() && startsObjectToMask(token)) {
                current = tokenLevel ? new TokenMaskedObject(masker.plan(), generator)
                        : new TreeMaskedObject(mapper, masker, generator, parser);
                pendingField = null;
            }
            if (current != null) {
                if (current.accept(parser, token)) {
                    masked += current.masked();
                    current = null;
                    endOfRootValue();
                }
                continue;
            }
            generator.copyCurrentEvent(parser);
            switch (token) {
                case FIELD_NAME -> pendingField = parser.currentName();
                case START_OBJECT, START_ARRAY -> {
                    path.push(pendingField == null ? "" : pendingField);
                    pendingField = null;
                }
                case END_OBJECT, END_ARRAY -> path.pop();
                default -> pendingField = null;
            }
            endOfRootValue();
        }
    }

    private boolean startsObjectToMask(JsonToken token) {
        return switch (shape) {
            case SINGLE, WATCH -> path.isEmpty();
            // An element of the root's items or rows array.
            case LIST -> token == JsonToken.START_OBJECT && path.size() == 2
                    && ("items".equals(path.peek()) || "rows".equals(path.peek()));
        };
    }

    /** A root value that has just ended can go out whole: a watch event is released. */
    private void endOfRootValue() throws IOException {
        if (path.isEmpty() && current == null) {
            generator.flush();
            out.release();
        }
    }

    private byte[] takeOutput() throws IOException {
        generator.flush();
        return shape == Shape.WATCH ? out.takeReleased() : out.takeAll();
    }

    private static MaskingException invalid(IOException e) {
        return new MaskingException("the response is not valid JSON: "
                + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
    }

    /** The masked bytes written so far, of which a prefix may be released to go out. */
    private static final class Output extends ByteArrayOutputStream {
        private int released;

        void release() {
            released = count;
        }

        byte[] takeAll() {
            byte[] bytes = Arrays.copyOf(buf, count);
            count = 0;
            released = 0;
            return bytes;
        }

        byte[] takeReleased() {
            byte[] bytes = Arrays.copyOf(buf, released);
            System.arraycopy(buf, released, buf, 0, count - released);
            count -= released;
            released = 0;
            return bytes;
        }
    }
}
