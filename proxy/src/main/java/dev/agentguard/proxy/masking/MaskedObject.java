package dev.agentguard.proxy.masking;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * One object {@link JsonStreamMasker} is in the middle of. Fed the object's tokens
 * one at a time, as the non-blocking parser yields them, it has the object written
 * out masked to the {@link SplicedOutput}. No value it must mask is ever written.
 */
interface MaskedObject {

    /**
     * Takes the parser's current token.
     *
     * @param end the input offset just past the token
     * @return true once the object has ended and is written
     */
    boolean accept(JsonParser parser, JsonToken token, long end) throws IOException;

    /** Whether input up to the last token's end may be passed now; false while a value to mask may follow. */
    boolean canAdvance();

    /** Values this object had replaced. */
    int masked();
}
