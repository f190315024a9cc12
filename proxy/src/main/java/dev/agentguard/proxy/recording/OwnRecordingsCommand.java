package dev.agentguard.proxy.recording;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code own-recordings [--owner UID:GID] [DIR]}: the DaemonSet's init container. The kubelet
 * creates a hostPath directory owned by root, and the proxy runs as a non-root user, so before
 * the proxy starts this hands the recordings directory to that user, readable by nobody else
 * (mode 0700). It runs from the proxy image, which has no shell, without starting Quarkus.
 * Exit codes: 0 done, 2 bad usage or the change was refused.
 */
public final class OwnRecordingsCommand {

    /** The proxy container's {@code runAsUser} and {@code runAsGroup}. */
    public static final int DEFAULT_ID = 65532;

    private static final String HELP = """
            usage: own-recordings [--owner UID:GID] [DIR]
              Makes DIR (default %s) a directory owned by UID:GID (default %d:%d), mode 0700.
              Exit status: 0 done, 2 could not.""".formatted(VerifyCommand.DEFAULT_DIR, DEFAULT_ID, DEFAULT_ID);

    private OwnRecordingsCommand() {
    }

    /** Runs the command; {@code args} are those after {@code own-recordings}. Returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Path dir = VerifyCommand.DEFAULT_DIR;
        int uid = DEFAULT_ID;
        int gid = DEFAULT_ID;
        boolean dirGiven = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                out.println(HELP);
                return VerifyCommand.OK;
            } else if (arg.equals("--owner")) {
                if (i + 1 == args.length) {
                    return usage(err, "--owner needs UID:GID");
                }
                String[] ids = args[++i].split(":", -1);
                if (ids.length != 2 || !isId(ids[0]) || !isId(ids[1])) {
                    return usage(err, "--owner takes numeric UID:GID, got " + args[i]);
                }
                uid = Integer.parseInt(ids[0]);
                gid = Integer.parseInt(ids[1]);
            } else if (arg.startsWith("-")) {
                return usage(err, "unknown option " + arg);
            } else if (dirGiven) {
                return usage(err, "one directory only, got " + dir + " and " + arg);
            } else {
                dir = Path.of(arg);
                dirGiven = true;
            }
        }
        // A symlink planted in the hostPath would hand its target to the proxy's user instead.
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            err.println("own-recordings: " + dir + " is not a directory"
                    + (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? "" : " (it does not exist)"));
            return VerifyCommand.USAGE;
        }
        try {
            Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            err.println("own-recordings: cannot hand " + dir + " to " + uid + ":" + gid + ": " + e);
            return VerifyCommand.USAGE;
        }
        out.println("own-recordings: " + dir + " is owned by " + uid + ":" + gid + ", mode 0700");
        return VerifyCommand.OK;
    }

    private static boolean isId(String text) {
        return text.matches("[0-9]{1,9}");
    }

    private static int usage(PrintStream err, String message) {
        err.println("own-recordings: " + message);
        err.println(HELP);
        return VerifyCommand.USAGE;
    }
}
