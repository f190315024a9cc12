package dev.agentguard.demo;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Stops the demo: SIGTERM to its owner process, which stops what it started in reverse order;
 * then anything of the demo's still alive is killed, so that nothing is left behind, and the
 * directory is removed.
 */
@Command(name = "down", description = "Stop the demo and remove its directory (make demo-down).")
final class DownCommand implements Callable<Integer> {

    private static final long STOP_SECONDS = 120;

    @Option(names = "--dir", required = true, description = "Directory the demo lives in.")
    Path dir;

    @Override
    public Integer call() throws InterruptedException {
        DemoDirectory demo = new DemoDirectory(dir);
        Optional<ProcessHandle> owner = demo.owner();
        Set<ProcessHandle> pids = new LinkedHashSet<>(demo.recordedProcesses());
        if (owner.isEmpty()) {
            int killed = kill(pids);
            boolean existed = java.nio.file.Files.exists(demo.root());
            demo.delete();
            System.out.println(existed ? "No demo was running" + (killed > 0 ? " (killed " + killed + " leftovers)" : "")
                    + "; removed " + demo.root() : "No demo in " + demo.root());
            return 0;
        }
        ProcessHandle process = owner.get();
        process.descendants().forEach(pids::add);
        System.out.println("Stopping the demo (pid " + process.pid() + " and " + pids.size() + " processes it started)");
        process.destroy();
        try {
            process.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            System.err.println("the demo did not stop within " + STOP_SECONDS + " s; killing it");
            process.destroyForcibly();
        }
        int killed = kill(pids);
        List<Long> left = pids.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
        if (!left.isEmpty()) {
            System.err.println("processes still running after demo-down: " + left);
            return 1;
        }
        demo.delete();
        System.out.println("Stopped" + (killed > 0 ? " (" + killed + " had to be killed)" : "") + "; removed "
                + demo.root());
        return 0;
    }

    /** Kills those still alive and waits for them; returns how many there were. */
    private static int kill(Set<ProcessHandle> processes) throws InterruptedException {
        int killed = 0;
        for (ProcessHandle process : processes) {
            if (process.isAlive()) {
                process.destroyForcibly();
                killed++;
                try {
                    process.onExit().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // Reported below as still running.
                }
            }
        }
        return killed;
    }
}
