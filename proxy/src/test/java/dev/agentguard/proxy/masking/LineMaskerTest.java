package dev.agentguard.proxy.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineMaskerTest {

    private static final String LOG = """
            starting app
            using key AKIAIOSFODNN7EXAMPLE for s3
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLXZhbHVlLXRoYXQtaXMtbG9uZw
            connecting to postgres://app:s3cr3t-pw@db:5432/prod
            -----BEGIN RSA PRIVATE KEY-----
            MIIEowIBAAKCAQEA1234567890abcdef
            -----END RSA PRIVATE KEY-----
            DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy;
            order 42 shipped
            """;

    private static final List<String> SECRETS = List.of("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9", "s3cr3t-pw", "MIIEowIBAAKCAQEA", "Zm9vYmFyZm9vYmFy");

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17, 64, 4096})
    void secretsAreMaskedWhateverTheChunkingAndTheRestIsKept(int chunk) {
        String masked = run(SecretDetectors.withCustom(List.of()), LOG, chunk);

        SECRETS.forEach(secret -> assertThat(masked).doesNotContain(secret));
        assertThat(masked).contains("starting app\n").contains("order 42 shipped\n")
                .contains("postgres://app:" + SecretDetectors.REDACTED + "@db:5432/prod")
                .contains("using key " + SecretDetectors.REDACTED + " for s3");
        assertThat(masked.lines()).hasSameSizeAs(LOG.lines().toList());
    }

    @Test
    void customPatternsFromPolicyApply() {
        String masked = run(SecretDetectors.withCustom(List.of("acct-[0-9]{6}")), "charging acct-123456\n", 5);
        assertThat(masked).isEqualTo("charging " + SecretDetectors.REDACTED + "\n");
    }

    @Test
    void aPartialLineWaitsForItsEndAndIsFlushedAtTheEndOfTheStream() {
        LineMasker masker = new LineMasker(SecretDetectors.withCustom(List.of()));
        assertThat(masker.feed("key AKIAIOSFOD".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(new String(masker.feed("NN7EXAMPLE".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                .isEmpty();
        assertThat(new String(masker.end(), StandardCharsets.UTF_8)).isEqualTo("key " + SecretDetectors.REDACTED);
    }

    @Test
    void anInvalidCustomPatternIsNamed() {
        assertThatThrownBy(() -> SecretDetectors.withCustom(List.of("([unclosed")))
                .hasMessageContaining("masking pattern '([unclosed' is not a valid regular expression");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 16384, 70000})
    void outputThatIsNotTextLeavesByteForByte(int chunk) {
        // kubectl cp is a tar stream over exec: every byte value, and no valid UTF-8.
        byte[] binary = new byte[300 * 1024];
        new Random(11).nextBytes(binary);
        for (int i = 0; i < 256; i++) {
            binary[i] = (byte) i;
        }

        assertThat(run(SecretDetectors.withCustom(List.of("x[0-9]+y")), binary, chunk)).isEqualTo(binary);
    }

    @Test
    void aCharacterCutByTheLineLimitIsKept() {
        // A line longer than the limit is sent in pieces; the cut falls inside the two bytes of é.
        String line = "a".repeat(LineMasker.MAX_LINE - 1) + "é and more\n";
        byte[] text = line.getBytes(StandardCharsets.UTF_8);

        assertThat(new String(run(SecretDetectors.withCustom(List.of()), text, 4096), StandardCharsets.UTF_8))
                .isEqualTo(line);
    }

    @Test
    void aCustomPatternWithNonAsciiLiteralsMatchesTheirUtf8Bytes() {
        String masked = run(SecretDetectors.withCustom(List.of("пароль=\\S+")), "вход: пароль=hunter2 ok\n", 3);

        assertThat(masked).isEqualTo("вход: " + SecretDetectors.REDACTED + " ok\n");
    }

    /**
     * Chunks whose lines hold no hint leave whole, without line-by-line masking: the output must
     * be exactly that of masking each line on its own, for streams of secrets, hint look-alikes
     * (an "eyJ" that is no JWT, a "://" without a password), private-key blocks and plain lines,
     * at random chunk sizes.
     */
    @Test
    void chunksLeftWholeGiveWhatMaskingEachLineGives() {
        List<String> vocabulary = List.of("plain log line of typical length", "length and weight are high",
                "using key AKIAIOSFODNN7EXAMPLE for s3", "AWS_Secret_Access_Key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLXZhbHVl", "eyJ is not a token",
                "see https://example.com/path", "postgres://app:s3cr3t-pw@db:5432/prod",
                "-----BEGIN EC PRIVATE KEY-----", "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqG",
                "-----END EC PRIVATE KEY-----", "ghp_" + "a".repeat(36), "ghx_ not a token", "xoxb-1234567890-abc",
                "", "dashes ----- and -----BEGIN nothing");
        Random random = new Random(7);
        for (int stream = 0; stream < 300; stream++) {
            StringBuilder text = new StringBuilder();
            int lines = 1 + random.nextInt(40);
            for (int i = 0; i < lines; i++) {
                text.append(vocabulary.get(random.nextInt(vocabulary.size())));
                if (i < lines - 1 || random.nextBoolean()) {
                    text.append('\n');
                }
            }
            SecretDetectors reference = SecretDetectors.withCustom(List.of());
            StringBuilder expected = new StringBuilder();
            for (String line : text.toString().split("(?<=\n)")) {
                expected.append(reference.mask(line));
            }

            SecretDetectors detectors = SecretDetectors.withCustom(List.of());
            String masked = run(detectors, text.toString(), 1 + random.nextInt(200));

            assertThat(masked).as("stream %d:%n%s", stream, text).isEqualTo(expected.toString());
            assertThat(detectors.found()).isEqualTo(reference.found());
        }
    }

    private static String run(SecretDetectors detectors, String text, int chunk) {
        return new String(run(detectors, text.getBytes(StandardCharsets.UTF_8), chunk), StandardCharsets.UTF_8);
    }

    private static byte[] run(SecretDetectors detectors, byte[] bytes, int chunk) {
        LineMasker masker = new LineMasker(detectors);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += chunk) {
            out.writeBytes(masker.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk))));
        }
        out.writeBytes(masker.end());
        return out.toByteArray();
    }
}
