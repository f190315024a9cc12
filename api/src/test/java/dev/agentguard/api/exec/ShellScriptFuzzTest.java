package dev.agentguard.api.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * An agent writes the scripts it runs ({@code kubectl exec -- sh -c '...'}, lines typed into a session), so
 * the splitter sees whatever an agent can type. It must answer with commands or refuse with
 * {@link ShellSyntaxException}; anything else fails the exec instead of judging it. And it must never
 * report fewer commands than the shell runs: a command it misses is a command no policy checks.
 */
class ShellScriptFuzzTest {

    /**
     * Any text: only {@link ShellSyntaxException}, and {@code sh -c SCRIPT} as an exec argv reports every
     * command the script alone does (ofArgv hands the script to the same splitter), unless the nesting got
     * too deep to follow, which it reports as opaque. Seeds: {@code ShellScriptFuzzTestInputs/anyScript/}.
     */
    @FuzzTest(maxDuration = "60s")
    void anyScript(byte[] input) {
        String script = new String(input, StandardCharsets.UTF_8);
        ShellScript parsed;
        try {
            parsed = ShellScript.parse(script);
        } catch (ShellSyntaxException refused) {
            return;
        }
        ShellScript asExec = ShellScript.ofArgv(List.of("sh", "-c", script));
        if (!asExec.opaque()) {
            assertThat(asExec.commands()).containsAll(parsed.commands());
        }
    }

    /**
     * Scripts of plain commands joined by the separators the grammar follows ({@code ; & && || |} and
     * newlines), with arguments that hold separators inside quotes or are braces, and a trailing comment:
     * the splitter must report exactly the commands written, in order, each with its arguments. Unlike
     * shell text at large, here what the shell runs is known, so missing, merged or made-up commands all
     * show.
     */
    @FuzzTest(maxDuration = "60s")
    void separatedCommands(FuzzedDataProvider data) {
        GeneratedScript script = GeneratedScript.from(data);

        ShellScript parsed = ShellScript.parse(script.text());

        assertThat(parsed.commands()).as(script.text()).isEqualTo(script.commands());
        assertThat(parsed.opaque()).as(script.text()).isFalse();
    }

    /** A script built from fuzzer choices, and the commands a shell would run for it. */
    record GeneratedScript(String text, List<SimpleCommand> commands) {

        private static final String[] SEPARATORS = {";", "&&", "||", "|", "&", "\n"};
        private static final String[] BLANKS = {"", " ", "\t", "  "};
        /** Unquoted word characters that are nothing special to the shell. */
        private static final String PLAIN = "abcdefghijklmnopqrstuvwxyz0123456789_-./:@%+,";
        /** Inside quotes, separators, comments and expansions are data. */
        private static final String QUOTED = PLAIN + " \t\n;&|()<>#{}*?[]~!=";

        static GeneratedScript from(FuzzedDataProvider data) {
            StringBuilder text = new StringBuilder(data.pickValue(BLANKS));
            List<SimpleCommand> commands = new ArrayList<>();
            int count = data.consumeInt(1, 6);
            for (int c = 0; c < count; c++) {
                if (c > 0) {
                    text.append(data.pickValue(BLANKS)).append(data.pickValue(SEPARATORS))
                            .append(data.pickValue(BLANKS));
                }
                // The p_ prefix, and no '/' (the base name of p_/. is .), keep the program off every list
                // the splitter treats specially (wrappers, shells, reserved words, eval, source).
                String program = "p_" + word(data, PLAIN.replace("/", ""), 0, 6);
                List<String> argv = new ArrayList<>(List.of(program));
                text.append(program);
                int arguments = data.consumeInt(0, 3);
                for (int a = 0; a < arguments; a++) {
                    text.append(' ');
                    argv.add(argument(data, text));
                }
                commands.add(new SimpleCommand(argv));
            }
            if (data.consumeBoolean()) {
                text.append(data.pickValue(new String[] {";", "&", "\n"}));
            }
            if (data.consumeBoolean()) {
                // A comment runs nothing, whatever it holds up to the end of the line.
                text.append(" #").append(word(data, QUOTED.replace("\n", ""), 0, 12));
            }
            return new GeneratedScript(text.toString(), commands);
        }

        /** Appends an argument as written and returns it as the program receives it. */
        private static String argument(FuzzedDataProvider data, StringBuilder text) {
            return switch (data.consumeInt(0, 3)) {
                case 0 -> {
                    String plain = word(data, PLAIN, 1, 8);
                    text.append(plain);
                    yield plain;
                }
                case 1 -> {
                    String single = word(data, QUOTED + "\"$`\\", 0, 8);
                    text.append('\'').append(single).append('\'');
                    yield single;
                }
                case 2 -> {
                    String dbl = word(data, QUOTED + "'", 0, 8);
                    text.append('"').append(dbl).append('"');
                    yield dbl;
                }
                default -> {
                    // { and } are reserved words only where a command starts; here they are arguments.
                    String brace = data.consumeBoolean() ? "{" : "}";
                    text.append(brace);
                    yield brace;
                }
            };
        }

        private static String word(FuzzedDataProvider data, String alphabet, int min, int max) {
            int length = data.consumeInt(min, max);
            StringBuilder word = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                word.append(alphabet.charAt(data.consumeInt(0, alphabet.length() - 1)));
            }
            return word.toString();
        }
    }
}
