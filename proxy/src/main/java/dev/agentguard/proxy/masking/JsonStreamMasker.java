package dev.agentguard.proxy.masking;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

/**
 * Masks a JSON response as it streams, holding at most one object in memory.
 * Bytes are fed as they arrive (Jackson's non-blocking parser); tokens outside
 * the objects to mask are copied straight to the output; each object to mask is
 * captured whole, masked by {@link ObjectMasker}, and written out. Nothing that
 * was inside a captured object leaves before it is masked.
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
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final JsonGenerator generator;
    /** Field name (or null for array elements) of each open container. */
    private final Deque<String> path = new ArrayDeque<>();
    private String pendingField;
    private TokenBuffer capture;
    private int captureDepth;
    private int masked;

    public JsonStreamMasker(ObjectMapper mapper, ObjectMasker masker, Shape shape) {
        this.mapper = mapper;
        this.masker = masker;
        this.shape = shape;
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
            throw new MaskingException("the response is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    /** Ends the stream; fails if it stopped inside a value. */
    @Override
    public byte[] end() {
        try {
            feeder.endOfInput();
            drain();
            if (!path.isEmpty() || capture != null) {
                throw new MaskingException("the response ended inside a JSON value");
            }
            return takeOutput();
        } catch (IOException e) {
            throw new MaskingException("the response is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    @Override
    public int masked() {
        return masked;
    }

    private void drain() throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            if (capture != null) {
                capture.copyCurrentEvent(parser);
                if (token.isStructStart()) {
                    captureDepth++;
                } else if (token.isStructEnd() && --captureDepth == 0) {
                    finishCapture();
                }
                continue;
            }
            if (token.isStructStart() && startsObjectToMask(token)) {
                capture = new TokenBuffer(parser);
                capture.copyCurrentEvent(parser);
                captureDepth = 1;
                pendingField = null;
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

    private void finishCapture() throws IOException {
        JsonNode node;
        try (JsonParser captured = capture.asParser(mapper)) {
            node = mapper.readTree(captured);
        }
        capture = null;
        masked += masker.mask(node);
        mapper.writeTree(generator, node);
        if (path.isEmpty()) {
            // End of a root value: a watch event goes out now.
            generator.flush();
        }
    }

    private byte[] takeOutput() throws IOException {
        generator.flush();
        byte[] bytes = out.toByteArray();
        out.reset();
        return bytes;
    }
}
