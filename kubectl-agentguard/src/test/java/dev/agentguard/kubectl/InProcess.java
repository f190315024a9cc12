package dev.agentguard.kubectl;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The plugin's command line run in the test's JVM, with what it printed on each stream and its exit code. */
record InProcess(int exitCode, String out, String err) {

    static InProcess run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = KubectlAgentguard.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new InProcess(code, out.toString(), err.toString());
    }
}
