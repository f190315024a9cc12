package dev.agentguard.proxy.masking;

/** Masks a byte stream as it arrives: JSON objects ({@link JsonStreamMasker}) or text lines ({@link LineMasker}). */
public interface StreamMasker {

    /** Feeds the next chunk; returns the masked bytes that can be sent now (maybe none). */
    byte[] feed(byte[] chunk);

    /** Ends the stream and returns what is left; throws {@link MaskingException} if it cannot be masked. */
    byte[] end();

    /** Values replaced so far. */
    int masked();
}
