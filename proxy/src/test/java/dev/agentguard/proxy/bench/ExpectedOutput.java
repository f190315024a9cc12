package dev.agentguard.proxy.bench;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * What a streaming command writes to stdout: {@code period} repeated, cut at the size asked
 * for ({@code head -c N}). The client keeps a CRC32 of what it receives instead of the bytes
 * (hundreds of MiB), and this gives the CRC32 that many bytes must have, so any change on
 * the way (a masked NUL run, a dropped or doubled frame) is caught, and a short session is
 * still checked for being a true beginning of the output.
 */
record ExpectedOutput(byte[] period) {

    private static final int BLOCK = 64 * 1024;

    static ExpectedOutput zeros() {
        return new ExpectedOutput(new byte[] {0});
    }

    /** {@code yes 'line'}: the line and a newline, again and again. */
    static ExpectedOutput lines(String line) {
        return new ExpectedOutput((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The CRC32 of the first {@code length} bytes of this output. */
    long crc32(long length) {
        // A block of whole periods, so each block continues where the last one ended.
        int periods = Math.max(1, BLOCK / period.length);
        byte[] block = new byte[periods * period.length];
        for (int i = 0; i < block.length; i++) {
            block[i] = period[i % period.length];
        }
        CRC32 crc = new CRC32();
        for (long done = 0; done < length; done += block.length) {
            crc.update(block, 0, (int) Math.min(block.length, length - done));
        }
        return crc.getValue();
    }
}
