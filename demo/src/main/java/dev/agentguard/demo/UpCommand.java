package dev.agentguard.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the demo's owner process ({@link ServeCommand}) in a session of its own, so that it and
 * everything it starts outlive this command, and prints its output until it is ready or fails.
 */
@Command(name = "up", description = "Start the demo and leave it running (make demo).")
final class UpCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, description = "Directory the demo lives in.")
    Path dir;

    @Option(names = "--kubeconfig", description = "Use this cluster instead of starting a local control plane.")
    Path kubeconfig;

    @Override
    public Integer call() throws IOException, InterruptedException {
        DemoDirectory demo = new DemoDirectory(dir);
        Optional<ProcessHandle> running = demo.owner();
        if (running.isPresent()) {
            System.err.println("A demo is already running in " + demo.root() + " (pid " + running.get().pid()
                    + "). Stop it first: make demo-down");
            return 1;
        }
        if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
            System.err.println("KUBECONFIG " + kubeconfig + " is not a readable file");
            return 2;
        }
        if (Files.exists(demo.root())) {
            System.out.println("Removing what an earlier demo left in " + demo.root());
            demo.delete();
        }
        Files.createDirectories(demo.tmp());

        List<String> command = new ArrayList<>(List.of("setsid",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + demo.tmp(), "-cp", System.getProperty("java.class.path"),
                DemoMain.class.getName(), "serve", "--dir", demo.root().toString()));
        if (kubeconfig != null) {
            command.addAll(List.of("--kubeconfig", kubeconfig.toAbsolutePath().toString()));
        }
        if (System.console() != null && System.getenv("NO_COLOR") == null) {
            command.add("--colour");
        }
        Process owner = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(demo.log().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        return follow(demo, owner);
    }

    /** Prints the owner's log as it grows, until it is ready (0) or has exited (1). */
    private static int follow(DemoDirectory demo, Process owner) throws IOException, InterruptedException {
        try (RandomAccessFile log = new RandomAccessFile(demo.log().toFile(), "r")) {
            byte[] buffer = new byte[8192];
            while (true) {
                boolean ready = Files.exists(demo.readyFile());
                boolean exited = !owner.isAlive();
                int read;
                while ((read = log.read(buffer)) > 0) {
                    System.out.write(buffer, 0, read);
                }
                System.out.flush();
                if (ready) {
                    return 0;
                }
                if (exited) {
                    System.err.println();
                    System.err.println("make demo failed (exit " + owner.exitValue() + "); everything it started is"
                            + " stopped. Its log: " + demo.log() + "; make demo-down removes " + demo.root());
                    return 1;
                }
                owner.waitFor(100, TimeUnit.MILLISECONDS);
            }
        }
    }
}
