package dev.agentguard.proxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

/** The CRC32 the exec benchmark compares stdout with is the one of the command's real output. */
class ExpectedOutputTest {

    @Test
    void zerosAreWhatHeadReadsFromDevZero() {
        assertThat(ExpectedOutput.zeros().crc32(200_000)).isEqualTo(crc(new byte[200_000]));
    }

    @Test
    void linesAreWhatYesPrintsCutAtTheSize() {
        // Not a whole number of lines and more than one 64 KiB block: the cut and the block seams count.
        int size = 3 * 65536 + 17;
        byte[] yes = "line\n".repeat(size / 5 + 1).substring(0, size).getBytes(StandardCharsets.UTF_8);

        assertThat(ExpectedOutput.lines("line").crc32(size)).isEqualTo(crc(yes));
        assertThat(ExpectedOutput.lines("line").crc32(size - 1)).isNotEqualTo(crc(yes));
    }

    @Test
    void nothingReceivedIsTheEmptyOutput() {
        assertThat(ExpectedOutput.zeros().crc32(0)).isEqualTo(new CRC32().getValue());
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
