package dev.agentguard.proxy.masking;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * One object {@link JsonStreamMasker} is in the middle of. Fed the object's tokens
 * one at a time, as the non-blocking parser yields them, it writes the object out
 * masked. No value it must mask is ever written.
 */
interface MaskedObject {

    /** Takes the parser's current token; true once the object has ended and is written. */
    boolean accept(JsonParser parser, JsonToken token) throws IOException;

    /** Values this object had replaced. */
    int masked();
}
