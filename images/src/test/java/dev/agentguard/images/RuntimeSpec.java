package dev.agentguard.images;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime {@code config.json} for one image, shaped like the pod specs in
 * manifests/: the image's own user, environment, working directory and
 * entrypoint, or what the container's {@link ContainerSettings} put over them; a read-only root filesystem; the volumes as bind mounts (the pods'
 * /tmp emptyDir among them); no capabilities and no privilege escalation. The network namespace is the host's,
 * so the test reaches the app on loopback and the app reaches the test's API server.
 */
record RuntimeSpec(ImageConfig image, ContainerSettings settings, Map<String, String> environment,
        List<BindMount> mounts, String hostname) {

    /** @param environment added to the image's Env, overriding a variable of the same name */
    Map<String, Object> toJson() {
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", false);
        process.put("user", Map.of("uid", settings.uid(image), "gid", settings.gid(image)));
        process.put("args", settings.processArgs(image));
        process.put("env", env());
        process.put("cwd", image.workingDir());
        process.put("noNewPrivileges", true);
        // capabilities: drop ALL, as every agentguard container's securityContext says, plus any it adds.
        List<String> capabilities = settings.capabilities();
        process.put("capabilities", Map.of("bounding", capabilities, "effective", capabilities,
                "permitted", capabilities, "ambient", List.of()));

        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of(Map.of("type", "pid"), Map.of("type", "ipc"), Map.of("type", "uts"),
                Map.of("type", "mount")));
        linux.put("maskedPaths", List.of("/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"));
        linux.put("readonlyPaths", List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("ociVersion", "1.0.2");
        spec.put("process", process);
        spec.put("root", Map.of("path", "rootfs", "readonly", true));
        spec.put("hostname", hostname);
        spec.put("mounts", mountsJson());
        spec.put("linux", linux);
        return spec;
    }

    private List<String> env() {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String variable : image.env()) {
            int eq = variable.indexOf('=');
            merged.put(variable.substring(0, eq), variable.substring(eq + 1));
        }
        merged.putAll(environment);
        List<String> env = new ArrayList<>();
        merged.forEach((name, value) -> env.add(name + "=" + value));
        return env;
    }

    private List<Map<String, Object>> mountsJson() {
        List<Map<String, Object>> all = new ArrayList<>(List.of(
                mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
                mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"))));
        for (BindMount bind : mounts) {
            all.add(mount(bind.destination(), "bind", bind.source().toString(),
                    List.of("rbind", "nosuid", "nodev", bind.readOnly() ? "ro" : "rw")));
        }
        return all;
    }

    private static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
        return Map.of("destination", destination, "type", type, "source", source, "options", options);
    }
}
