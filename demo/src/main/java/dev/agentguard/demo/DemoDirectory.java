package dev.agentguard.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one directory a demo lives in, printed when it starts: the control plane's files, the
 * components' work directories and logs, the kubeconfigs it hands out, and the pid of the
 * process that owns it all. {@code make demo-down} stops that process and removes the directory.
 */
public record DemoDirectory(Path root) {

    public DemoDirectory {
        root = root.toAbsolutePath().normalize();
    }

    /** The output of the demo's long-running process, which {@code make demo} prints as it grows. */
    public Path log() {
        return root.resolve("demo.log");
    }

    /** The pid of the process that owns every other process of the demo. */
    public Path pidFile() {
        return root.resolve("demo.pid");
    }

    /** Written once the scripted session has run and everything stays up. */
    public Path readyFile() {
        return root.resolve("ready");
    }

    /** Every pid the owner started, written when it is ready, so that demo-down can check none is left. */
    public Path processesFile() {
        return root.resolve("processes");
    }

    /** The cluster admin's kubeconfig. */
    public Path kubeconfig() {
        return root.resolve("kubeconfig");
    }

    /** The agent's kubeconfig: the shim's address, its CA, and the placeholder token the agent holds. */
    public Path agentKubeconfig() {
        return root.resolve("agent.kubeconfig");
    }

    /** kubectl agentguard's launcher, for the PATH. */
    public Path bin() {
        return root.resolve("bin");
    }

    /** The local control plane's work directory. */
    public Path cluster() {
        return root.resolve("cluster");
    }

    /** The java.io.tmpdir of the demo's processes, so every file they create stays in this directory. */
    public Path tmp() {
        return root.resolve("tmp");
    }

    /** The pid in {@link #pidFile()} if that process is still running. */
    public Optional<ProcessHandle> owner() {
        if (!Files.exists(pidFile())) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Records the processes, each as its pid and start time, so that a later demo-down kills
     * only these and never a process that reused one of their pids.
     */
    public void recordProcesses(List<Long> pids) {
        StringBuilder lines = new StringBuilder();
        for (long pid : pids) {
            ProcessHandle.of(pid).flatMap(p -> p.info().startInstant())
                    .ifPresent(start -> lines.append(pid).append(' ').append(start).append('\n'));
        }
        write(processesFile(), lines.toString());
    }

    /** The recorded processes still running (same pid, same start time). */
    public List<ProcessHandle> recordedProcesses() {
        if (!Files.exists(processesFile())) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(processesFile())) {
            return lines.map(String::trim).filter(line -> !line.isEmpty()).map(line -> line.split(" ", 2))
                    .flatMap(fields -> ProcessHandle.of(Long.parseLong(fields[0]))
                            .filter(p -> p.info().startInstant().map(Object::toString).orElse("").equals(fields[1]))
                            .stream())
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    public void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the directory and all in it. */
    public void delete() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
