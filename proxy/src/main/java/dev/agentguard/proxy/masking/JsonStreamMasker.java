package dev.agentguard.proxy.masking;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Masks a JSON response as it streams. Bytes are fed as they arrive and parsed by
 * Jackson's non-blocking parser; the output is the input's own bytes
 * ({@link SplicedOutput}), except for each object to mask, which is handed to a
 * {@link MaskedObject}: token by token ({@link TokenMaskedObject}) where the plan
 * allows it, replacing only the values it masks, otherwise decoded whole
 * ({@link TreeMaskedObject}). No value that must be masked ever reaches the output:
 * input is passed on only up to the end of the last complete token, and not past
 * a field name whose value is to be masked. A watch's output is released one whole
 * event at a time, since each event is one WebSocket message.
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
    private final SplicedOutput out = new SplicedOutput();
    /** Field name (or "" for array elements) of each open container outside the objects to mask. */
    private final Deque<String> path = new ArrayDeque<>();
    private String pendingField;
    private MaskedObject current;
    private long lastTokenEnd;
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
        } catch (IOException e) {
            throw new IllegalStateException("Jackson has no non-blocking parser", e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    @Override
    public byte[] feed(byte[] chunk) {
        try {
            out.feed(chunk);
            feeder.feedInput(chunk, 0, chunk.length);
            drain();
            return take();
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
            // Trailing whitespace.
            out.advance(parser.currentLocation().getByteOffset());
            out.release();
            return take();
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
            lastTokenEnd = parser.currentLocation().getByteOffset();
            if (current == null && token.isStructStart() && startsObjectToMask(token)) {
                current = tokenLevel ? new TokenMaskedObject(masker.plan(), out)
                        : new TreeMaskedObject(mapper, masker, out, parser);
                pendingField = null;
            }
            if (current != null) {
                if (current.accept(parser, token, lastTokenEnd)) {
                    masked += current.masked();
                    current = null;
                    endOfRootValue();
                }
                continue;
            }
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
        if (current == null || current.canAdvance()) {
            out.advance(lastTokenEnd);
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
    private void endOfRootValue() {
        if (path.isEmpty() && current == null) {
            out.advance(lastTokenEnd);
            out.release();
        }
    }

    private byte[] take() {
        return out.take(shape == Shape.WATCH);
    }

    private static MaskingException invalid(IOException e) {
        return new MaskingException("the response is not valid JSON: "
                + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
    }
}
