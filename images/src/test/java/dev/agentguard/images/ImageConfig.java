package dev.agentguard.images;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an OCI image config says about how to start it: the part of
 * {@code config} an OCI runtime (or the kubelet, through containerd) reads.
 */
record ImageConfig(String user, List<String> env, String workingDir, List<String> entrypoint, List<String> cmd) {

    static ImageConfig from(JsonNode imageConfig) {
        JsonNode config = imageConfig.path("config");
        return new ImageConfig(config.path("User").asText(""), strings(config.path("Env")),
                config.path("WorkingDir").asText("/"), strings(config.path("Entrypoint")), strings(config.path("Cmd")));
    }

    /** Entrypoint followed by Cmd, as a runtime joins them when the pod sets neither command nor args. */
    List<String> args() {
        List<String> args = new ArrayList<>(entrypoint);
        args.addAll(cmd);
        return args;
    }

    /** The numeric uid of {@code User} ({@code uid[:gid]}); a name would need the image's /etc/passwd. */
    long uid() {
        return Long.parseLong(user.split(":")[0]);
    }

    /** The gid of {@code User}, or the uid's when only a uid is given (as the runtimes do without a passwd entry). */
    long gid() {
        String[] parts = user.split(":");
        return Long.parseLong(parts.length > 1 ? parts[1] : parts[0]);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
