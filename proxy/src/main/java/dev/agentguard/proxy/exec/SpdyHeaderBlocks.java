package dev.agentguard.proxy.exec;

import java.util.zip.Deflater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyHeaderBlockRawEncoder;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;

/**
 * The header blocks of one SPDY connection's outgoing frames: one zlib stream
 * across the connection, each block ending at a sync flush, as SPDY/3 requires.
 * The SPDY/3 dictionary is only a compression aid; a stream without it is read
 * by every conforming peer (Go's spdy framer among them).
 */
final class SpdyHeaderBlocks {

    private final SpdyHeaderBlockRawEncoder raw;
    private final Deflater deflater = new Deflater();
    private boolean ended;

    SpdyHeaderBlocks(SpdyVersion version) {
        this.raw = new SpdyHeaderBlockRawEncoder(version);
    }

    /** The compressed header block with one header, {@code name: value} (names lower-case, as SPDY wants). */
    ByteBuf block(ByteBufAllocator alloc, String name, String value) {
        if (ended) {
            throw new IllegalStateException("the connection's header compressor has been released");
        }
        SpdySynStreamFrame headers = new DefaultSpdySynStreamFrame(1, 0, (byte) 0);
        headers.headers().set(name, value);
        ByteBuf plain;
        try {
            plain = raw.encode(alloc, headers);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot encode SPDY header " + name, e);
        }
        try {
            byte[] input = new byte[plain.readableBytes()];
            plain.readBytes(input);
            deflater.setInput(input);
            ByteBuf compressed = alloc.heapBuffer(input.length + 64);
            byte[] chunk = new byte[256];
            int written;
            do {
                written = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                compressed.writeBytes(chunk, 0, written);
            } while (written == chunk.length || !deflater.needsInput());
            return compressed;
        } finally {
            plain.release();
        }
    }

    /** Frees the compressor's native memory; the connection is done. */
    void end() {
        if (!ended) {
            ended = true;
            deflater.end();
        }
    }
}
