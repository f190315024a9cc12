package dev.agentguard.api.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShellScriptTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {
            "echo ok; pg_dump db => echo,pg_dump",
            "a && b || c | d & e => a,b,c,d,e",
            "a\\nb\\n\\nc => a,b,c",
            "PGPASSWORD=x pg_dump -h h db > out.sql => pg_dump",
            "echo $(pg_dump db) => pg_dump,echo",
            "echo `mysqldump x` => mysqldump,echo",
            "X=$(curl -T f http://h) true => curl,true",
            "echo 'a; pg_dump' => echo",
            "echo \"a; $(nc h 1)\" => nc,echo",
            "echo a\\;pg_dump => echo",
            "(cd /tmp && tar cf - .) => cd,tar",
            "{ echo a; rsync -a x h:y; } => echo,rsync",
            "pg_dump db 2>&1 | gzip > /dev/null => pg_dump,gzip",
            "cmd &> log => cmd",
            "echo a # ; pg_dump => echo",
            "/usr/bin/pg_dump db => pg_dump",
            "env -i FOO=1 nohup aws s3 cp x s3://b => env,nohup,aws",
            "timeout 5 nc host 1 => timeout,nc",
            "sudo -u postgres pg_dumpall => sudo,pg_dumpall",
            "echo $((1+2)) => echo",
    })
    void scriptsSplitIntoTheProgramsTheyRun(String script, String programs) {
        ShellScript parsed = ShellScript.parse(script.replace("\\n", "\n"));

        assertThat(parsed.commands()).extracting(SimpleCommand::program)
                .containsExactly(programs.split(","));
        assertThat(parsed.opaque()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void reservedWordsAreNotPrograms(String script, List<String> programs) {
        ShellScript parsed = ShellScript.parse(script);

        assertThat(parsed.commands()).extracting(SimpleCommand::program).containsExactlyElementsOf(programs);
        assertThat(parsed.opaque()).isFalse();
    }

    static Stream<Arguments> reservedWordsAreNotPrograms() {
        return Stream.of(
                arguments("if true; then pg_dump db; fi", List.of("true", "pg_dump")),
                arguments("if pg_dump db; then :; else rsync a h:b; fi", List.of("pg_dump", ":", "rsync")),
                arguments("if false; then :; elif pg_dump db; then :; fi", List.of("false", ":", "pg_dump", ":")),
                arguments("if true\nthen\n  pg_dump db\nfi", List.of("true", "pg_dump")),
                arguments("true && if pg_dump db; then :; fi", List.of("true", "pg_dump", ":")),
                arguments("while pg_dump db; do sleep 1; done", List.of("pg_dump", "sleep")),
                arguments("until false; do pg_dump db; done", List.of("false", "pg_dump")),
                arguments("echo x | while read l; do pg_dump \"$l\"; done < list", List.of("echo", "read", "pg_dump")),
                arguments("! pg_dump db", List.of("pg_dump")),
                arguments("if ! pg_dump db; then :; fi", List.of("pg_dump", ":")),
                arguments("{ pg_dump db; }", List.of("pg_dump")),
                arguments("{ { pg_dump db; }; } > out", List.of("pg_dump")),
                arguments("time pg_dump db", List.of("time", "pg_dump")),
                arguments("time -p ! pg_dump db", List.of("time", "pg_dump")),
                arguments("time if pg_dump db; then :; fi", List.of("time", "pg_dump", ":")),
                arguments("coproc pg_dump db", List.of("pg_dump")),
                arguments("echo if then fi do done esac", List.of("echo")),
                arguments("'if' x; \"fi\" y", List.of("if", "fi")),
                // After an assignment or a redirection no word is reserved: bash runs a program named case.
                arguments("(X=1 case a in\npg_dump db)", List.of("case", "pg_dump")),
                arguments("(>/dev/null case a in\npg_dump db)", List.of("case", "pg_dump")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void loopAndCaseHeadersAreNotCommandsButTheirBodiesAre(String script, List<String> programs) {
        ShellScript parsed = ShellScript.parse(script);

        assertThat(parsed.commands()).extracting(SimpleCommand::program).containsExactlyElementsOf(programs);
        assertThat(parsed.opaque()).isFalse();
    }

    static Stream<Arguments> loopAndCaseHeadersAreNotCommandsButTheirBodiesAre() {
        return Stream.of(
                arguments("for i in 1; do pg_dump db; done", List.of("pg_dump")),
                arguments("for i in pg_dump mysqldump; do echo $i; done", List.of("echo")),
                arguments("for i do pg_dump db; done", List.of("pg_dump")),
                arguments("for i; do pg_dump db; done", List.of("pg_dump")),
                arguments("for i\nin a b\ndo\n  pg_dump db\ndone", List.of("pg_dump")),
                arguments("for f in $(ls); do pg_dump \"$f\"; done", List.of("ls", "pg_dump")),
                arguments("for ((i = 0; i < 3; i++)); do pg_dump db; done", List.of("pg_dump")),
                arguments("for ((i = 0; i < 3; i++)) do pg_dump db; done", List.of("pg_dump")),
                arguments("select x in a b; do pg_dump db; done", List.of("pg_dump")),
                arguments("case x in x) pg_dump db;; esac", List.of("pg_dump")),
                arguments("case pg_dump in pg_dump) echo;; esac", List.of("echo")),
                arguments("case $1 in (a|b) echo;; *) pg_dump db; esac", List.of("echo", "pg_dump")),
                arguments("case x in\n  a) ls ;;\n  b) pg_dump db ;;\nesac", List.of("ls", "pg_dump")),
                arguments("case x\nin x) pg_dump db;; esac", List.of("pg_dump")),
                arguments("case x in esac; pg_dump db", List.of("pg_dump")),
                arguments("case x in y) ;& x) pg_dump db;;& *) ls;; esac", List.of("pg_dump", "ls")),
                arguments("case a in a) case b in b) ls;; esac;; c) pg_dump db;; esac", List.of("ls", "pg_dump")),
                arguments("(case x in x) pg_dump db;; esac)", List.of("pg_dump")),
                arguments("f() { pg_dump db; }", List.of("pg_dump")),
                arguments("f () ( pg_dump db )", List.of("pg_dump")),
                arguments("function f { pg_dump db; }", List.of("pg_dump")),
                arguments("function f() { pg_dump db; }; f", List.of("pg_dump", "f")));
    }

    @Test
    void bracesOnlyGroupWhenTheyStandAlone() {
        assertThat(ShellScript.parse("echo {} {a,b} x{y}").commands()).extracting(SimpleCommand::argv)
                .containsExactly(List.of("echo", "{}", "{a,b}", "x{y}"));
    }

    /** Found by ShellScriptFuzzTest: a brace after the program is an argument, not the end of a group. */
    @Test
    void aBraceAfterTheProgramIsAnArgument() {
        assertThat(ShellScript.parse("rm } -rf /; psql { -c 'drop table t'").commands())
                .extracting(SimpleCommand::argv)
                .containsExactly(List.of("rm", "}", "-rf", "/"), List.of("psql", "{", "-c", "drop table t"));
        assertThat(ShellScript.parse("{ pg_dump db }; }").commands()).extracting(SimpleCommand::argv)
                .containsExactly(List.of("pg_dump", "db", "}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void ansiCQuotesAreDecodedAsBashDoes(String script, List<String> argv) {
        assertThat(ShellScript.parse(script).commands().get(0).argv()).isEqualTo(argv);
    }

    static Stream<Arguments> ansiCQuotesAreDecodedAsBashDoes() {
        return Stream.of(
                arguments("echo $'\\''", List.of("echo", "'")),
                arguments("echo $'a\\tb\\n' $'\\\\' $'\\\"'", List.of("echo", "a\tb\n", "\\", "\"")),
                arguments("$'\\x70g_dump' db", List.of("pg_dump", "db")),
                arguments("$'\\160g_dump' db", List.of("pg_dump", "db")),
                arguments("$'\\u0070g_'dump db", List.of("pg_dump", "db")),
                arguments("$'pg_dump\\0junk' db", List.of("pg_dump", "db")),
                arguments("echo $'\\x414\\101\\cA\\e\\z\\x'", List.of("echo", "A4A\u0001\u001b\\z\\x")),
                arguments("$\"pg_dump\" db", List.of("pg_dump", "db")),
                arguments("echo \"$'x'\"", List.of("echo", "$'x'")));
    }

    @Test
    void anEscapedQuoteDoesNotEndAnAnsiCQuote() {
        assertThat(ShellScript.parse("echo $'\\''\npg_dump db").commands()).extracting(SimpleCommand::program)
                .containsExactly("echo", "pg_dump");
        assertThatThrownBy(() -> ShellScript.parse("echo $'\\''\npg_dump db\n'"))
                .isInstanceOf(ShellSyntaxException.class);
    }

    @Test
    void whatDashRunsOfAnAnsiCQuoteIsCheckedToo() {
        // bash reads one string here; dash, which has no $'...', reads $ and '\' and runs pg_dump.
        assertThat(ShellScript.parse("echo $'\\' ; pg_dump db ; echo \\'' # '").commands())
                .extracting(SimpleCommand::program).contains("echo", "pg_dump");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pg_\\\ndump db", "p''g_dump db", "p\"\"g_dump db", "\"pg_dump\" db", "'pg_dump' db",
            "\\pg_dump db", "pg\\_dump db", "2>/dev/null pg_dump db", "\"pg_\\\ndump\" db", "X='a\nb' pg_dump db",
            "X+=1 pg_dump db", "a[0]=1 pg_dump db", "{fd}>/dev/null pg_dump db", "pg_\0dump db"})
    void quotingAndEscapesDoNotHideTheProgram(String script) {
        ShellScript parsed = ShellScript.parse(script);

        assertThat(parsed.commands()).extracting(SimpleCommand::argv).containsExactly(List.of("pg_dump", "db"));
        assertThat(parsed.opaque()).isFalse();
    }

    @Test
    void anEscapedCharacterDoesNotTakeTheNextOneWithIt() {
        assertThat(ShellScript.parse("echo \\a;pg_dump db").commands()).extracting(SimpleCommand::argv)
                .containsExactly(List.of("echo", "a"), List.of("pg_dump", "db"));
        assertThat(ShellScript.parse("echo a\\;pg_dump").commands()).extracting(SimpleCommand::argv)
                .containsExactly(List.of("echo", "a;pg_dump"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {
            "env 'a b=c' pg_dump db => env,pg_dump",
            "env X='a\\nb' pg_dump db => env,pg_dump",
            "timeout -s KILL 5 pg_dump db => timeout,pg_dump",
            "timeout --signal KILL -- 5 pg_dump db => timeout,pg_dump",
            "exec -a name pg_dump db => exec,pg_dump",
            "sudo --user postgres pg_dump db => sudo,pg_dump",
            "command time -f %e -o /tmp/t pg_dump db => command,time,pg_dump",
            "chroot --userspec=a:b / pg_dump db => chroot,pg_dump",
            "watch -d -n 1 pg_dump db => watch,pg_dump",
            "watch 'pg_dump db' => watch,pg_dump",
            "env -S 'A=1 pg_dump' db => env,pg_dump",
            "env -i --split-string='pg_dump db' => env,pg_dump",
            "find . -execdir pg_dump {} + -exec ls ; => find,pg_dump,ls",
            "xargs -I {} pg_dump {} => xargs,pg_dump",
    })
    void wrapperOptionsAndAssignmentsAreNotThePrograms(String script, String programs) {
        assertThat(ShellScript.parse(script.replace("\\n", "\n")).commands()).extracting(SimpleCommand::program)
                .containsExactly(programs.split(","));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"echo `echo \\`pg_dump db\\``", "echo \"`echo \\`pg_dump db\\``\"",
            "echo $(( $(pg_dump db | wc -c) + 1 ))", "echo $((pg_dump db) | cat)",
            "echo \"$(case x in x) pg_dump db;; esac)\"", "echo \"$(echo a # )\npg_dump db\n)\"",
            "echo \"$(echo ${x:-)}; pg_dump db)\"", "echo \"${x:-$(pg_dump db)}\"",
            "echo \"${x:-'}'}\"; pg_dump db #'"})
    void substitutionsAreFoundWhereverTheyNest(String script) {
        assertThat(ShellScript.parse(script).commands()).extracting(SimpleCommand::program).contains("pg_dump");
    }

    @Test
    void arithmeticIsAnExpressionAndNotCommands() {
        ShellScript parsed = ShellScript.parse("echo $((a*b)) $(( (x < y) + 1 )) ${#x} ${y:-{z}}");

        assertThat(parsed.commands()).extracting(SimpleCommand::argv)
                .containsExactly(List.of("echo", "$((a*b))", "$(( (x < y) + 1 ))", "${#x}", "${y:-{z}}"));
        assertThat(parsed.opaque()).isFalse();
    }

    @Test
    void deeplyNestedSubstitutionsAreRefused() {
        String script = "$(".repeat(5000) + "x" + ")".repeat(5000);

        assertThatThrownBy(() -> ShellScript.parse(script)).isInstanceOf(ShellSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eval ", "watch ", "sudo "})
    @Timeout(5)
    void commandsRunningCommandsNestOnlySoDeep(String runner) {
        ShellScript parsed = ShellScript.parse(runner.repeat(20_000) + "pg_dump db");

        assertThat(parsed.opaque()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[", "{,", ",", "sh -c", "hash -p"})
    @Timeout(5)
    void longWordsAreCheckedInLinearTime(String start) {
        String word = start + start.substring(start.length() - 1).repeat(200_000) + "1";

        assertThat(ShellScript.parse(word + " x").commands()).isNotEmpty();
        assertThat(ShellScript.ofArgv(List.of("sh", word, "x")).commands()).isNotEmpty();
    }

    @Test
    @Timeout(5)
    void nestedArithmeticThatTurnsOutToBeCommandsIsReadOnce() {
        // Each $(( is tried as arithmetic, then as $( ( ...; retried at every level that doubled each time.
        String script = "echo " + "$(( (".repeat(15) + "x".repeat(20_000) + ") ) | cat)".repeat(15);

        assertThat(ShellScript.parse(script).commands()).extracting(SimpleCommand::program).contains("cat");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void hereDocumentBodiesDoNotChangeHowTheRestIsRead(String script, List<String> programs) {
        ShellScript parsed = ShellScript.parse(script);

        assertThat(parsed.commands()).extracting(SimpleCommand::program).containsExactlyElementsOf(programs);
        assertThat(parsed.opaque()).isTrue();
    }

    static Stream<Arguments> hereDocumentBodiesDoNotChangeHowTheRestIsRead() {
        return Stream.of(
                // bash ends the body at the empty line and runs pg_dump; the body's case must not swallow it.
                arguments("(cat <<''\ncase x in\n\npg_dump db)", List.of("cat", "pg_dump")),
                arguments("cat <<EOF > f\nit's here\nEOF\npg_dump db", List.of("cat", "pg_dump")),
                arguments("cat <<-EOF\n\tcase x in\n\tEOF\nls", List.of("cat", "ls")),
                arguments("cat <<A <<'B'; ls\na\nA\nb'\nB\npg_dump db", List.of("cat", "ls", "a", "pg_dump")),
                // What a shell reading the body runs, and an unquoted body's substitutions, are checked.
                arguments("sh <<'EOF'\npg_dump db\nEOF", List.of("sh", "pg_dump")),
                arguments("cat <<EOF\nit's $(pg_dump db)\nEOF", List.of("cat", "pg_dump")));
    }

    @Test
    void anEscapedLessThanStartsNoHereDocument() {
        // < E reads the file E; the lines after it are commands, not a body that ends at E.
        ShellScript parsed = ShellScript.parse("echo \\<<E\necho 'x\npg_dump db\n'\nE");

        assertThat(parsed.commands()).extracting(SimpleCommand::program).containsExactly("echo", "echo", "E");
        assertThat(parsed.opaque()).isFalse();
    }

    @Test
    void argumentsKeepTheirQuotedForm() {
        SimpleCommand curl = ShellScript.parse("curl --upload-file 'my file' \"http://h/a b\"").commands().get(0);

        assertThat(curl.arguments()).containsExactly("--upload-file", "my file", "http://h/a b");
    }

    @Test
    void aShellGivenAScriptIsCheckedCommandByCommand() {
        assertThat(ShellScript.ofArgv(List.of("sh", "-c", "echo ok; pg_dump db")).commands())
                .extracting(SimpleCommand::program).containsExactly("sh", "echo", "pg_dump");
        assertThat(ShellScript.ofArgv(List.of("/bin/bash", "-ec", "mysqldump x")).commands())
                .extracting(SimpleCommand::program).containsExactly("bash", "mysqldump");
        assertThat(ShellScript.ofArgv(List.of("sh", "-c", "sh -c 'sh -c \"mongodump\"'")).commands())
                .extracting(SimpleCommand::program).contains("mongodump");
        assertThat(ShellScript.ofArgv(List.of("ls", "-l")).commands()).extracting(SimpleCommand::program)
                .containsExactly("ls");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {"sh -c -e => sh", "bash -c -- => bash", "sh -ec -x => sh",
            "bash -o pipefail -c => bash", "bash --norc -c => bash"})
    void aShellsScriptIsItsFirstOperandWhereverTheDashCIs(String shell, String program) {
        List<String> argv = new ArrayList<>(List.of(shell.split(" ")));
        argv.add("pg_dump db");

        assertThat(ShellScript.ofArgv(argv).commands()).extracting(SimpleCommand::program)
                .containsExactly(program, "pg_dump");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$CMD db", "eval \"pg_dump db\"", "cat <<EOF\npg_dump\nEOF", "${X} y",
            ". ./script.sh", "source x"})
    void constructsWhoseCommandsCannotBeKnownAreFlaggedOpaque(String script) {
        assertThat(ShellScript.parse(script).opaque()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"$(echo pg_dump) db", "`echo pg_dump` db", "pg${X}_dump db", "\"pg$X\" db",
            "sudo $(echo pg_dump) db", "X=1 $(echo pg_dump) db", "find / -name pg_dump -exec {} db ;",
            "xargs -I{} sh -c {}", "xargs -i env {} db", "env -S '${CMD} db'"})
    void aProgramNameFromAnExpansionIsOpaque(String script) {
        assertThat(ShellScript.parse(script).opaque()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{pg_dump,db}", "pg_{dump,x} db", "/usr/bin/pg_du?p db", "/usr/bin/pg_d[u]mp db",
            "/usr/bin/pg_d* db", "sudo pg_{dump,x} db"})
    void aProgramNameFromBraceOrPathnameExpansionIsOpaque(String script) {
        assertThat(ShellScript.parse(script).opaque()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo pg_dump db | sh", "base64 -d x | bash -s", "sh < script", "bash script.sh",
            "sudo sh /tmp/x", "bash <<< 'pg_dump db'", "echo x |& sh",
            "echo pg_dump db | while true; do sh; break; done"})
    void aShellReadingAFileOrAPipeIsOpaque(String script) {
        assertThat(ShellScript.parse(script).opaque()).isTrue();
    }

    @Test
    void aShellReadingCommandsTheSessionDoesNotCheckIsOpaque() {
        assertThat(ShellScript.ofArgv(List.of("sh", "/tmp/x.sh")).opaque()).isTrue();
        assertThat(ShellScript.ofArgv(List.of("bash", "-e", "x.sh", "arg")).opaque()).isTrue();
        // The stdin of sh -c is data to the session, and unchecked: a shell in the script reads it.
        assertThat(ShellScript.ofArgv(List.of("sh", "-c", "exec sh")).opaque()).isTrue();
        assertThat(ShellScript.ofArgv(List.of("sh")).opaque()).isFalse();
        assertThat(ShellScript.ofArgv(List.of("env", "bash", "-s", "arg")).opaque()).isFalse();
        // A shell typed into a session reads the lines typed after it, which are checked.
        assertThat(ShellScript.parse("bash").opaque()).isFalse();
        assertThat(ShellScript.parse("a || sh -i").opaque()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"sh, true", "bash -s x, true", "sh -i, true", "bash -o pipefail, true", "env sh, true",
            "sudo -u postgres bash, true", "timeout 60 sh -e, true", "sh -c x, false", "bash x.sh, false",
            "xargs sh, false", "cat, false", "env FOO=1 cat, false"})
    void aShellReadsCommandsFromStdinBehindWrappersToo(String argv, boolean reads) {
        assertThat(ShellScript.readsCommandsFromStdin(List.of(argv.split(" ")))).as(argv).isEqualTo(reads);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alias x=pg_dump", "alias s='sudo '", "hash -p /usr/bin/pg_dump ls; ls db",
            "PS1='$(pg_dump db)'", "export PROMPT_COMMAND='pg_dump db'", "BASH_ENV=/tmp/x bash -c true"})
    void codeTheShellRunsLaterIsOpaque(String script) {
        assertThat(ShellScript.parse(script).opaque()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", value = {"alias x=pg_dump => alias,pg_dump",
            "trap 'pg_dump db' EXIT => trap,pg_dump", "trap -- 'pg_dump db' INT => trap,pg_dump",
            "trap - EXIT => trap", "builtin exec pg_dump db => builtin,exec,pg_dump",
            "eval 'pg_dump db' => eval,pg_dump"})
    void codeTheShellRunsLaterIsChecked(String script, String programs) {
        assertThat(ShellScript.parse(script).commands()).extracting(SimpleCommand::program)
                .containsExactly(programs.split(","));
    }

    @Test
    void variablesAsArgumentsAreNotOpaque() {
        assertThat(ShellScript.parse("echo $HOME \"$USER\" > $OUT").opaque()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X=$HOME/x Y=$(date) ls", "for i in $x; do echo $i; done", "case $1 in $x) ls;; esac",
            "[ -f x ] && echo {a,b} *.txt", "for i in *.sql; do echo $i; done", "case $1 in *) ls;; esac"})
    void expansionsOutsideTheProgramNameAreNotOpaque(String script) {
        assertThat(ShellScript.parse(script).opaque()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo 'open", "echo \"open", "echo `open", "echo $(open", "echo $'open",
            "echo $(case x in x) ls;; esac", "echo ${x", "echo $((1 + 2)"})
    void unterminatedQuotesAreRefused(String script) {
        assertThatThrownBy(() -> ShellScript.parse(script)).isInstanceOf(ShellSyntaxException.class)
                .hasMessageContaining("unterminated");
    }
}
