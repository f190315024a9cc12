package dev.agentguard.proxy.masking;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

/**
 * Captures the whole object, decodes it to a tree, masks the tree with
 * {@link ObjectMasker} and writes it in place of the object's bytes. Used where the
 * value to mask depends on siblings that may come after it (a container env var's
 * {@code value} and its {@code name}); nothing of the object is written before it
 * has ended.
 */
final class TreeMaskedObject implements MaskedObject {

    private final ObjectMapper mapper;
    private final ObjectMasker masker;
    private final SplicedOutput out;
    private final TokenBuffer capture;
    private int depth;
    private int masked;

    TreeMaskedObject(ObjectMapper mapper, ObjectMasker masker, SplicedOutput out, JsonParser parser) {
        this.mapper = mapper;
        this.masker = masker;
        this.out = out;
        this.capture = new TokenBuffer(parser);
    }

    @Override
    public boolean accept(JsonParser parser, JsonToken token, long end) throws IOException {
        if (depth == 0) {
            // The object's first byte is its '{' (or '['): what came before it goes as it is.
            out.advance(end - 1);
            out.dropping();
        }
        capture.copyCurrentEvent(parser);
        if (token.isStructStart()) {
            depth++;
        } else if (token.isStructEnd() && --depth == 0) {
            JsonNode node;
            try (JsonParser captured = capture.asParser(mapper)) {
                node = mapper.readTree(captured);
            }
            masked = masker.mask(node);
            out.advance(end);
            out.copying();
            out.write(mapper.writeValueAsBytes(node));
            return true;
        }
        return false;
    }

    @Override
    public boolean canAdvance() {
        // Dropping: passing the input drops it.
        return true;
    }

    @Override
    public int masked() {
        return masked;
    }
}
