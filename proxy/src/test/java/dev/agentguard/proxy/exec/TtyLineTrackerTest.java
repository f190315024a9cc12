package dev.agentguard.proxy.exec;

import static dev.agentguard.proxy.exec.ExecFixtures.bytes;
import static dev.agentguard.proxy.exec.ExecFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

import dev.agentguard.api.policy.PolicyRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TtyLineTrackerTest {

    private static final String ESC = "\u001b";
    private static final String INTERRUPT = String.valueOf((char) TtyLineTracker.INTERRUPT);

    private final TtyLineTracker tracker = new TtyLineTracker(ExecFixtures::decide);

    @Test
    void aTypedDumpHasItsEnterReplacedByAnInterrupt() {
        String forwarded = typeKeyByKey("pg_dump db\r");

        assertThat(forwarded).isEqualTo("pg_dump db" + INTERRUPT);
        assertThat(tracker.blockedSoFar()).singleElement().satisfies(b -> {
            assertThat(b.line()).isEqualTo("pg_dump db");
            assertThat(b.command()).isEqualTo("pg_dump db");
        });
    }

    @Test
    void anAllowedLineIsForwardedByteForByte() {
        String typed = "ls -la /tmp | grep héllo\r";

        InputVerdict v = tracker.feed(bytes(typed));

        assertThat(text(v.forward())).isEqualTo(typed);
        assertThat(v.blocked()).isEmpty();
        assertThat(tracker.blockedSoFar()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg_dumx\u007fp db\r", "pg_dumx\bp db\r", "pg_dumpé\u007f db\r", "pg_dump dbxy\u007f\u007f\r"})
    void backspaceThatTurnsALineIntoADumpIsCaught(String keys) {
        InputVerdict v = tracker.feed(bytes(keys));

        assertThat(v.blocked()).get().extracting(BlockedLine::line).isEqualTo("pg_dump db");
        assertThat(text(v.forward())).endsWith(INTERRUPT).doesNotContain("\r");
    }

    @Test
    void ctrlUClearsTheLine() {
        InputVerdict cleared = tracker.feed(bytes("pg_dump db\u0015ls\r"));
        assertThat(cleared.blocked()).isEmpty();
        assertThat(text(cleared.forward())).endsWith("\r");

        InputVerdict retyped = tracker.feed(bytes("ls\u0015pg_dump db\r"));
        assertThat(retyped.blocked()).get().extracting(BlockedLine::line).isEqualTo("pg_dump db");
    }

    @Test
    void ctrlWRemovesTheLastWord() {
        assertThat(tracker.feed(bytes("pg_dump db  \u0017\u0017ls\r")).blocked()).isEmpty();
        assertThat(tracker.feed(bytes("echo ok; x\u0017pg_dump db\r")).blocked()).get()
                .extracting(BlockedLine::line).isEqualTo("echo ok; pg_dump db");
    }

    @Test
    void ctrlCDiscardsTheLine() {
        InputVerdict v = tracker.feed(bytes("pg_dump db\u0003ls\r"));

        assertThat(v.blocked()).isEmpty();
        assertThat(text(v.forward())).isEqualTo("pg_dump db\u0003ls\r");
    }

    @Test
    void anArrowKeyMarksTheLineUncertainAndIsNotTakenForText() {
        tracker.feed(bytes("pg_dump"));
        assertThat(tracker.uncertain()).isFalse();

        tracker.feed(bytes(ESC + "[C"));
        assertThat(tracker.uncertain()).isTrue();

        InputVerdict v = tracker.feed(bytes(" db\r"));
        assertThat(v.blocked()).get().extracting(BlockedLine::line).isEqualTo("pg_dump db");
        assertThat(text(v.forward())).isEqualTo(" db" + INTERRUPT);
        assertThat(tracker.uncertain()).as("a new line starts certain").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\t", "\u0001", "\u0005", "\u000b", "\u0012", ESC + "OH", ESC + "[1;5D", ESC + "b"})
    void editingTheTrackerDoesNotFollowMarksTheLineUncertain(String keys) {
        tracker.feed(bytes("ls -l"));

        tracker.feed(bytes(keys));

        assertThat(tracker.uncertain()).isTrue();
    }

    @Test
    void pasteMarkersDoNotMakeALineUncertain() {
        tracker.feed(bytes(ESC + "[200~ls -la" + ESC + "[201~"));

        assertThat(tracker.uncertain()).isFalse();
    }

    @Test
    void aPasteOfTwoLinesWhoseSecondIsADumpIsInterrupted() {
        InputVerdict v = tracker.feed(bytes("echo ok\rpg_dump db\rls\r"));

        assertThat(text(v.forward())).isEqualTo("echo ok\rpg_dump db" + INTERRUPT + "ls\r");
        assertThat(v.blocked()).get().extracting(BlockedLine::line).isEqualTo("pg_dump db");
    }

    @Test
    void aBracketedPasteIsCheckedAsTheShellRunsIt() {
        String paste = ESC + "[200~echo ok\npg_dump db" + ESC + "[201~";

        InputVerdict pasted = tracker.feed(bytes(paste));
        assertThat(pasted.blocked()).isEmpty();
        assertThat(text(pasted.forward())).isEqualTo(paste);

        InputVerdict enter = tracker.feed(bytes("\r"));
        assertThat(text(enter.forward())).isEqualTo(INTERRUPT);
        assertThat(enter.blocked()).get().satisfies(b -> {
            assertThat(b.line()).isEqualTo("echo ok\npg_dump db");
            assertThat(b.command()).isEqualTo("pg_dump db");
        });
    }

    @Test
    void everyRefusedLineOfAChunkIsRecordedAndTheFirstReturned() {
        InputVerdict v = tracker.feed(bytes("pg_dump a\rls\rmysqldump b\r"));

        assertThat(text(v.forward())).isEqualTo("pg_dump a" + INTERRUPT + "ls\rmysqldump b" + INTERRUPT);
        assertThat(v.blocked()).map(BlockedLine::line).contains("pg_dump a");
        assertThat(tracker.blockedSoFar()).extracting(BlockedLine::line).containsExactly("pg_dump a", "mysqldump b");
    }

    @Test
    void crLfIsOneEnter() {
        ExecFixtures.Recording decide = new ExecFixtures.Recording();
        TtyLineTracker recording = new TtyLineTracker(decide);

        assertThat(text(recording.feed(bytes("ls\r\n")).forward())).isEqualTo("ls\r\n");
        assertThat(text(recording.feed(bytes("pg_dump db\r")).forward())).isEqualTo("pg_dump db" + INTERRUPT);
        assertThat(text(recording.feed(bytes("\nls\r")).forward())).as("the refused Enter's \\n goes too")
                .isEqualTo("ls\r");

        assertThat(decide.asked).containsExactly("ls", "pg_dump db", "ls");
        assertThat(recording.blockedSoFar()).hasSize(1);
    }

    @Test
    void blankLinesAreNotChecked() {
        ExecFixtures.Recording decide = new ExecFixtures.Recording();
        TtyLineTracker recording = new TtyLineTracker(decide);

        assertThat(text(recording.feed(bytes("\r  \r\t\u0015\r")).forward())).isEqualTo("\r  \r\t\u0015\r");
        assertThat(decide.asked).isEmpty();
    }

    @Test
    void aLineContinuedWithABackslashIsCheckedWithTheNextOne() {
        InputVerdict first = tracker.feed(bytes("pg_\\\r"));
        assertThat(first.blocked()).isEmpty();

        InputVerdict second = tracker.feed(bytes("dump db\r"));
        assertThat(second.blocked()).get().extracting(BlockedLine::command).isEqualTo("pg_dump db");
    }

    @Test
    void ctrlVMakesTheNextKeyText() {
        // Ctrl-V Enter inserts a carriage return; only the second Enter runs the line, and it is
        // that one that becomes the interrupt (after Ctrl-V an interrupt would be inserted as text).
        InputVerdict v = tracker.feed(bytes("pg_dump db\u0016\r\r"));

        assertThat(text(v.forward())).isEqualTo("pg_dump db\u0016\r" + INTERRUPT);
        assertThat(v.blocked()).get().extracting(BlockedLine::line).isEqualTo("pg_dump db\r");
    }

    @Test
    void ctrlORunsTheLine() {
        InputVerdict v = tracker.feed(bytes("pg_dump db\u000f"));

        assertThat(text(v.forward())).isEqualTo("pg_dump db" + INTERRUPT);
    }

    @Test
    void anEnterInsideAKeySequenceKeepsTheLineForTheNextCheck() {
        // Alt-Enter may not run the line: "pg_" could still be there when "dump db" is typed.
        assertThat(tracker.feed(bytes("pg_" + ESC + "\r")).blocked()).isEmpty();

        assertThat(tracker.feed(bytes("dump db\r")).blocked()).get().extracting(BlockedLine::line)
                .isEqualTo("pg_dump db");
    }

    @Test
    void withoutLineEditingCtrlWStopsAtPunctuation() {
        // The line discipline's word erase leaves "pg_dump;" where readline's leaves nothing.
        InputVerdict v = tracker.feed(bytes("pg_dump;x\u0017 db\r"));

        assertThat(v.blocked()).get().satisfies(b -> {
            assertThat(b.line()).isEqualTo("pg_dump; db");
            assertThat(b.command()).isEqualTo("pg_dump");
        });
    }

    @Test
    void withoutLineEditingCtrlDHandsTheLineOverForGood() {
        // After Ctrl-D the shell has read "pg_"; Ctrl-U can no longer take it back.
        InputVerdict v = tracker.feed(bytes("pg_\u0004\u0015dump db\r"));

        assertThat(v.blocked()).get().extracting(BlockedLine::line).isEqualTo("pg_dump db");
    }

    @Test
    void anOversizeLineIsRefusedAsUnparseable() {
        InputVerdict v = tracker.feed(bytes("echo " + "z".repeat(Lines.MAX_LINE_BYTES) + "\r"));

        assertThat(text(v.forward())).endsWith(INTERRUPT);
        assertThat(v.blocked()).get().satisfies(b -> assertThat(b.decision().decision().match()).get()
                .satisfies(m -> {
                    assertThat(m.policy()).isEqualTo(PolicyRef.BUILT_IN);
                    assertThat(m.rule()).isEqualTo(StdinScriptCheckerTest.builtInSyntaxRule());
                }));
    }

    private String typeKeyByKey(String keys) {
        ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
        for (byte b : bytes(keys)) {
            InputVerdict v = tracker.feed(new byte[] {b});
            forwarded.writeBytes(v.forward());
            assertThat(v.blocked()).isEqualTo(b == '\r' ? v.blocked() : Optional.empty());
        }
        return text(forwarded.toByteArray());
    }
}
