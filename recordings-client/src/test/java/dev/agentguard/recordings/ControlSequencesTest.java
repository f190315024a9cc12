package dev.agentguard.recordings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlSequencesTest {

    private static final String ESC = "\u001b";

    @Test
    void aTerminalKeepsColoursAndCursorMovesButNoStringCommands() {
        String recorded = ESC + "]0;new title\u0007" + ESC + "[31mred" + ESC + "[0m" + ESC + "]52;c;Y2xpcA==" + ESC
                + "\\" + ESC + "[2J" + ESC + "P+q544e" + ESC + "\\" + ESC + "_apc\u0007done\r\n";
        assertThat(ControlSequences.forTerminal(recorded))
                .isEqualTo(ESC + "[31mred" + ESC + "[0m" + ESC + "[2Jdone\r\n");
    }

    @Test
    void c1ControlsAreDroppedEverywhere() {
        // 0x9d is the 8-bit OSC introducer, 0x9b the 8-bit CSI.
        assertThat(ControlSequences.forTerminal("a\u009d0;t\u0007b\u009b31mc")).isEqualTo("a0;t\u0007b31mc");
        assertThat(ControlSequences.plain("a\u009d0;t\u0007b\u009b31mc")).isEqualTo("a0;tb31mc");
    }

    @Test
    void plainTextKeepsOnlyText() {
        assertThat(ControlSequences.plain(ESC + "[1mbold" + ESC + "[0m\ttab\r\nbell\u0007" + ESC + "]0;x"))
                .isEqualTo("bold\ttab\r\nbell");
    }

    @Test
    void inputIsMadeVisible() {
        assertThat(ControlSequences.visible("ls\r" + ESC + "[A\u0003")).isEqualTo("ls⏎^[[A^C");
    }
}
