package dev.agentguard.proxy.exec;

import static dev.agentguard.proxy.exec.ExecFixtures.bytes;
import static dev.agentguard.proxy.exec.ExecFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.agentguard.api.policy.Decision;
import dev.agentguard.api.policy.PolicyRef;
import dev.agentguard.api.v1alpha1.Action;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StdinScriptCheckerTest {

    private final StdinScriptChecker checker = new StdinScriptChecker(ExecFixtures::decide);

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 4096})
    void allowedLinesAreForwardedByteForByteWhateverTheChunking(int chunk) {
        byte[] script = bytes("""
                set -e
                echo héllo wörld | tr a-z A-Z
                # pg_dump in a comment runs nothing
                
                cd /tmp && tar xf archive.tar\r
                echo 'two
                lines' "and $(date
                )"
                ls -la \\
                  /data
                """);

        Run run = feed(checker, script, chunk);

        assertThat(run.blocked).isEmpty();
        assertThat(run.forwarded.toByteArray()).isEqualTo(script);
        assertThat(checker.end().forward()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 4096})
    void aScriptStopsAtTheBlockedLine(int chunk) {
        Run run = feed(checker, bytes("echo one\necho two\npg_dump db\necho three\n"), chunk);

        assertThat(text(run.forwarded.toByteArray())).isEqualTo("echo one\necho two\n");
        assertThat(run.blocked).singleElement().satisfies(b -> {
            assertThat(b.line()).isEqualTo("pg_dump db");
            assertThat(b.command()).isEqualTo("pg_dump db");
            assertThat(b.decision().decision().match()).get().extracting(Decision.Match::rule)
                    .isEqualTo("no-database-dumps");
        });
        InputVerdict later = checker.feed(bytes("echo four\n"));
        assertThat(later.forward()).isEmpty();
        assertThat(later.blocked()).isEmpty();
        assertThat(checker.end().forward()).isEmpty();
    }

    @Test
    void aLineSplitAcrossChunksWaitsForItsEnd() {
        InputVerdict first = checker.feed(bytes("echo ok\npg_du"));
        assertThat(text(first.forward())).isEqualTo("echo ok\n");
        assertThat(first.blocked()).isEmpty();

        InputVerdict second = checker.feed(bytes("mp db\n"));
        assertThat(second.forward()).isEmpty();
        assertThat(second.blocked()).get().extracting(BlockedLine::line).isEqualTo("pg_dump db");
    }

    @Test
    void aMultiLineQuotedStringIsJoinedAndForwardedWhole() {
        assertThat(checker.feed(bytes("echo 'first\n")).forward()).isEmpty();
        assertThat(checker.feed(bytes("second\n")).forward()).isEmpty();

        InputVerdict closed = checker.feed(bytes("third' done\nls\n"));

        assertThat(text(closed.forward())).isEqualTo("echo 'first\nsecond\nthird' done\nls\n");
        assertThat(closed.blocked()).isEmpty();
    }

    @Test
    void aCommandAfterAMultiLineQuoteIsCheckedWithIt() {
        InputVerdict v = checker.feed(bytes("echo 'a\nb'; pg_dump db\n"));

        assertThat(v.forward()).isEmpty();
        assertThat(v.blocked()).get().satisfies(b -> {
            assertThat(b.line()).isEqualTo("echo 'a\nb'; pg_dump db");
            assertThat(b.command()).isEqualTo("pg_dump db");
        });
    }

    @Test
    void aBackslashContinuedLineIsCheckedJoined() {
        // Line by line, neither "pg_\" nor "dump db" is a dump; the shell runs "pg_dump db".
        InputVerdict v = checker.feed(bytes("pg_\\\ndump db\n"));

        assertThat(v.forward()).isEmpty();
        assertThat(v.blocked()).get().extracting(BlockedLine::command).isEqualTo("pg_dump db");
    }

    @Test
    void echoThenADumpOnOneLineIsBlocked() {
        InputVerdict v = checker.feed(bytes("echo ok; pg_dump db\n"));

        assertThat(v.forward()).isEmpty();
        assertThat(v.blocked()).get().satisfies(b -> {
            assertThat(b.line()).isEqualTo("echo ok; pg_dump db");
            assertThat(b.command()).isEqualTo("pg_dump db");
        });
    }

    @Test
    void anOversizeUnterminatedLineIsRefusedAsUnparseable() {
        StringBuilder script = new StringBuilder("ls\necho '");
        while (script.length() < Lines.MAX_LINE_BYTES + 100) {
            script.append("x".repeat(99)).append('\n');
        }

        Run run = feed(checker, bytes(script.toString()), 8192);

        assertThat(text(run.forwarded.toByteArray())).isEqualTo("ls\n");
        assertThat(run.blocked).singleElement().satisfies(b -> {
            assertThat(b.decision().decision().action()).isEqualTo(Action.Deny);
            assertThat(b.decision().decision().match()).get().satisfies(m -> {
                assertThat(m.policy()).isEqualTo(PolicyRef.BUILT_IN);
                assertThat(m.rule()).isEqualTo(builtInSyntaxRule());
            });
            assertThat(b.line()).startsWith("echo '").hasSize(Lines.MAX_LINE_BYTES + 1);
        });
    }

    @Test
    void anOversizeLineWithoutANewlineIsRefusedBeforeItEnds() {
        InputVerdict v = checker.feed(bytes("echo " + "y".repeat(Lines.MAX_LINE_BYTES)));

        assertThat(v.forward()).isEmpty();
        assertThat(v.blocked()).get().extracting(b -> b.decision().decision().action()).isEqualTo(Action.Deny);
    }

    @Test
    void endChecksAndForwardsThePendingLine() {
        assertThat(text(checker.feed(bytes("echo ok\nls -la")).forward())).isEqualTo("echo ok\n");

        InputVerdict end = checker.end();

        assertThat(text(end.forward())).isEqualTo("ls -la");
        assertThat(end.blocked()).isEmpty();
    }

    @Test
    void endRefusesAPendingDump() {
        checker.feed(bytes("echo ok\npg_dump db"));

        InputVerdict end = checker.end();

        assertThat(end.forward()).isEmpty();
        assertThat(end.blocked()).get().extracting(BlockedLine::command).isEqualTo("pg_dump db");
    }

    @Test
    void endRefusesAQuoteLeftOpen() {
        assertThat(checker.feed(bytes("echo 'open\nstill open\n")).forward()).isEmpty();

        InputVerdict end = checker.end();

        assertThat(end.forward()).isEmpty();
        assertThat(end.blocked()).get().satisfies(b -> {
            assertThat(b.line()).isEqualTo("echo 'open\nstill open\n");
            assertThat(b.decision().decision().match()).get().extracting(Decision.Match::rule)
                    .isEqualTo(builtInSyntaxRule());
        });
    }

    @Test
    void blankLinesAreForwardedUnchecked() {
        ExecFixtures.Recording decide = new ExecFixtures.Recording();
        StdinScriptChecker recording = new StdinScriptChecker(decide);

        InputVerdict v = recording.feed(bytes("\n  \t\nls\n\n"));

        assertThat(text(v.forward())).isEqualTo("\n  \t\nls\n\n");
        assertThat(decide.asked).containsExactly("ls");
    }

    /** The rule ExecPolicy refuses unparseable scripts with, so the checker's own refusal reads the same. */
    static String builtInSyntaxRule() {
        return ExecFixtures.decide("echo 'open").decision().match().orElseThrow().rule();
    }

    private static Run feed(StdinScriptChecker checker, byte[] input, int chunk) {
        Run run = new Run();
        for (int from = 0; from < input.length; from += chunk) {
            InputVerdict v = checker.feed(Arrays.copyOfRange(input, from, Math.min(input.length, from + chunk)));
            run.forwarded.writeBytes(v.forward());
            v.blocked().ifPresent(run.blocked::add);
        }
        return run;
    }

    private static final class Run {
        final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
        final List<BlockedLine> blocked = new ArrayList<>();
    }
}
