package dev.agentguard.api.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
    @ValueSource(strings = {"pg_\\\ndump db", "p''g_dump db", "p\"\"g_dump db", "\"pg_dump\" db", "'pg_dump' db",
            "\\pg_dump db", "pg\\_dump db", "2>/dev/null pg_dump db"})
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

    @ParameterizedTest
    @ValueSource(strings = {"$CMD db", "eval \"pg_dump db\"", "cat <<EOF\npg_dump\nEOF", "${X} y",
            ". ./script.sh", "source x"})
    void constructsWhoseCommandsCannotBeKnownAreFlaggedOpaque(String script) {
        assertThat(ShellScript.parse(script).opaque()).isTrue();
    }

    @Test
    void variablesAsArgumentsAreNotOpaque() {
        assertThat(ShellScript.parse("echo $HOME \"$USER\" > $OUT").opaque()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo 'open", "echo \"open", "echo `open", "echo $(open"})
    void unterminatedQuotesAreRefused(String script) {
        assertThatThrownBy(() -> ShellScript.parse(script)).isInstanceOf(ShellSyntaxException.class)
                .hasMessageContaining("unterminated");
    }
}
