package dev.agentguard.proxy.recording;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code verify [dir]}: checks a node's recordings against their chain, for an
 * operator or a cron job. Exit codes: 0 chain intact, 1 problems found, 2 the
 * check could not run (bad usage, no such directory, unreadable files).
 */
public final class VerifyCommand {

    public static final Path DEFAULT_DIR = Path.of("/var/lib/agentguard/recordings");
    public static final int OK = 0;
    public static final int PROBLEMS = 1;
    public static final int USAGE = 2;

    private static final String HELP = """
            usage: verify [DIR]
              Checks the session recordings in DIR (default %s) against their SHA-256 chain.
              Exit status: 0 chain intact, 1 problems found, 2 could not check.""".formatted(DEFAULT_DIR);

    private VerifyCommand() {
    }

    /** Runs the command; {@code args} are those after {@code verify}. Returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Path dir = DEFAULT_DIR;
        boolean dirGiven = false;
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                out.println(HELP);
                return OK;
            }
            if (arg.startsWith("-")) {
                return usage(err, "unknown option " + arg);
            }
            if (dirGiven) {
                return usage(err, "one directory only, got " + dir + " and " + arg);
            }
            dir = Path.of(arg);
            dirGiven = true;
        }
        if (!Files.isDirectory(dir)) {
            err.println("verify: " + dir + " is not a directory"
                    + (Files.exists(dir) ? "" : " (it does not exist)") + "; nothing to verify");
            return USAGE;
        }
        VerificationReport report;
        try {
            report = ChainVerifier.verify(dir);
        } catch (IOException e) {
            err.println("verify: cannot read " + dir + ": " + e);
            return USAGE;
        }
        report.warnings().forEach(warning -> err.println("warning: " + warning));
        if (report.ok()) {
            out.println("verified " + report.entries() + " sessions: chain intact");
            return OK;
        }
        report.problems().forEach(err::println);
        int problems = report.problems().size();
        err.println("verify: " + problems + (problems == 1 ? " problem" : " problems") + " in " + dir + " ("
                + report.entries() + " sessions in the ledger): chain broken");
        return PROBLEMS;
    }

    private static int usage(PrintStream err, String message) {
        err.println("verify: " + message);
        err.println(HELP);
        return USAGE;
    }
}
