package dev.agentguard.proxy.masking;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

/**
 * Captures the whole object, decodes it to a tree, masks the tree with
 * {@link ObjectMasker} and writes it. Used where the value to mask depends on
 * siblings that may come after it (a container env var's {@code value} and its
 * {@code name}); nothing of the object is written before it has ended.
 */
final class TreeMaskedObject implements MaskedObject {

    private final ObjectMapper mapper;
    private final ObjectMasker masker;
    private final JsonGenerator out;
    private final TokenBuffer capture;
    private int depth;
    private int masked;

    TreeMaskedObject(ObjectMapper mapper, ObjectMasker masker, JsonGenerator out, JsonParser parser) {
        this.mapper = mapper;
        this.masker = masker;
        this.out = out;
        this.capture = new TokenBuffer(parser);
    }

    @Override
    public boolean accept(JsonParser parser, JsonToken token) throws IOException {
        capture.copyCurrentEvent(parser);
        if (token.isStructStart()) {
            depth++;
        } else if (token.isStructEnd() && --depth == 0) {
            JsonNode node;
            try (JsonParser captured = capture.asParser(mapper)) {
                node = mapper.readTree(captured);
            }
            masked = masker.mask(node);
            mapper.writeTree(out, node);
            return true;
        }
        return false;
    }

    @Override
    public int masked() {
        return masked;
    }
}
