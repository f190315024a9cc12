package dev.agentguard.proxy.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Which output is the agent's own keys echoed back, and so is sent without the partial-line delay. */
class TypedEchoTest {

    @Test
    void eachTypedKeysEchoIsRecognisedOnceInOrder() {
        TypedEcho echo = new TypedEcho();
        echo.typed(bytes("ls"));
        assertThat(echo.echoes(bytes("l"))).isTrue();
        assertThat(echo.echoes(bytes("s"))).isTrue();
        assertThat(echo.echoes(bytes("s"))).as("already echoed").isFalse();
    }

    @Test
    void anEchoOfSeveralKeysAtOnceIsRecognised() {
        TypedEcho echo = new TypedEcho();
        echo.typed(bytes("ab"));
        echo.typed(bytes("cé"));
        assertThat(echo.echoes(bytes("abcé"))).isTrue();
    }

    @Test
    void outputThatIsNotTheEchoIsHeldAndForgetsWhatWasTyped() {
        TypedEcho echo = new TypedEcho();
        echo.typed(bytes("abc"));
        // The container writes a secret's first half while the agent types: that is not an echo.
        assertThat(echo.echoes(bytes("AKIA"))).isFalse();
        assertThat(echo.echoes(bytes("a"))).as("the pending keys are forgotten").isFalse();
        // Output that starts with the echo but carries more is not an echo either.
        echo.typed(bytes("x"));
        assertThat(echo.echoes(bytes("x" + "IOSFODNN7EXAMPLE"))).isFalse();
        assertThat(echo.echoes(new byte[0])).isFalse();
    }

    @Test
    void keysThatDoNotEchoAsThemselvesForgetWhatWasPending() {
        TypedEcho echo = new TypedEcho();
        echo.typed(bytes("ab\r"));
        assertThat(echo.echoes(bytes("a"))).as("Enter echoes CRLF and ends the line").isFalse();
        echo.typed(bytes("a\u007f"));
        assertThat(echo.echoes(bytes("a"))).as("backspace echoes \\b \\b").isFalse();
        echo.typed(bytes("a\u001b"));
        assertThat(echo.echoes(bytes("a"))).as("an escape sequence redraws").isFalse();
        echo.typed(bytes("q"));
        assertThat(echo.echoes(bytes("q"))).as("tracking starts again with the next printable key").isTrue();
    }

    @Test
    void onlyTheLatestKeysAreTracked() {
        TypedEcho echo = new TypedEcho();
        echo.typed(bytes("x".repeat(TypedEcho.CAPACITY) + "yz"));
        assertThat(echo.echoes(bytes("x".repeat(TypedEcho.CAPACITY - 2) + "yz"))).isTrue();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
