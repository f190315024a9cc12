package dev.agentguard.images;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.agentguard.testing.apps.HttpStatus;

/**
 * One image running under the OCI runtime: unpacked from its tarball, started as its
 * config says with {@link RuntimeSpec}, stopped (SIGTERM, then deleted) on close.
 */
final class RunningContainer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OciRuntime runtime;
    private final String id;
    private final Process process;
    private final Path log;

    private RunningContainer(OciRuntime runtime, String id, Process process, Path log) {
        this.runtime = runtime;
        this.id = id;
        this.process = process;
        this.log = log;
    }

    /**
     * @param tarball     the image, as the build wrote it
     * @param work        a directory of the test's own: layout, bundle, runtime state, log
     * @param environment added to the image's Env
     */
    static RunningContainer start(Path tarball, Path work, Map<String, String> environment, List<BindMount> mounts) {
        return start(tarball, work, ContainerSettings.AS_IMAGE, environment, mounts);
    }

    static RunningContainer start(Path tarball, Path work, ContainerSettings settings, Map<String, String> environment,
            List<BindMount> mounts) {
        OciRuntime runtime = OciRuntime.find(work.resolve("state"));
        try {
            OciImageLayout image = OciImageLayout.read(tarball, Files.createDirectories(work.resolve("layout")));
            Path bundle = work.resolve("bundle");
            Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
            LayerUnpacker unpacker = new LayerUnpacker(rootfs);
            image.layers().forEach(unpacker::apply);
            // The kubelet gives every container an /etc/hosts; the JVM resolves its own hostname through it.
            String hostname = "agentguard-test";
            Path hosts = Files.writeString(work.resolve("hosts"),
                    "127.0.0.1 localhost " + hostname + "\n::1 localhost\n");
            if (!Files.exists(rootfs.resolve("etc/hosts"))) {
                Files.createFile(rootfs.resolve("etc/hosts")); // the mount point
            }
            List<BindMount> all = new ArrayList<>(mounts);
            all.add(BindMount.readOnly(hosts, "/etc/hosts"));
            // The pods' /tmp emptyDir, which the kubelet creates with mode 0777; Vert.x and the JVM write there.
            // (Not a tmpfs: runc gives a tmpfs the mode of the directory it covers, 0755, but not its owner.)
            Path emptyDir = Files.createDirectories(work.resolve("tmp-volume"));
            Files.setPosixFilePermissions(emptyDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            all.add(BindMount.writable(emptyDir, "/tmp"));
            RuntimeSpec spec = new RuntimeSpec(image.config(), settings, environment, all, hostname);
            JSON.writerWithDefaultPrettyPrinter().writeValue(bundle.resolve("config.json").toFile(), spec.toJson());

            String id = "agentguard-" + work.getFileName();
            Path log = work.resolve("container.log");
            return new RunningContainer(runtime, id, runtime.run(bundle, id, log), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for {@code url} to answer 200, failing at once (with the log) if the container exits. */
    void awaitOk(String url, Duration timeout) {
        await(url + " answering 200").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the container exited with " + process.exitValue() + ":\n" + log());
            }
            return HttpStatus.of(url) == 200;
        });
    }

    /** Waits for the container to exit (an init container), returning its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the container did not exit within " + timeout + ":\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the container", e);
        }
    }

    /** The uid the container's main process runs as, read from the host's /proc. */
    long processUid() {
        try {
            long pid = JSON.readTree(runtime.state(id)).path("pid").asLong();
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("Uid:")).findFirst()
                    .map(line -> Long.parseLong(line.split("\\s+")[1]))
                    .orElseThrow(() -> new IllegalStateException("no Uid line for pid " + pid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, as the kubelet stops a container; the runtime's record is removed either way. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                runtime.kill(id, "TERM");
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    runtime.kill(id, "KILL");
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runtime.delete(id);
        }
    }
}
