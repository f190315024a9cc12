package dev.agentguard.api.exec;

import java.util.List;
import java.util.Map;

import dev.agentguard.api.request.RequestAttributes;

/**
 * The command of an exec request, from its query ({@code command=sh&command=-c&command=...}),
 * exactly as the kubelet will run it.
 */
public final class ExecRequest {

    private ExecRequest() {
    }

    public static boolean isExec(RequestAttributes request) {
        return request.resourceRequest() && request.apiGroup().isEmpty() && "pods".equals(request.resource())
                && "exec".equals(request.subresource());
    }

    public static boolean isAttach(RequestAttributes request) {
        return request.resourceRequest() && request.apiGroup().isEmpty() && "pods".equals(request.resource())
                && "attach".equals(request.subresource());
    }

    /** An interactive stream into a container: exec or attach. */
    public static boolean isSession(RequestAttributes request) {
        return isExec(request) || isAttach(request);
    }

    /**
     * A boolean query flag exactly as kube-apiserver converts it into PodExecOptions: only an
     * absent flag, {@code 0} or {@code false} (any case) is false; anything else, {@code tty=yes}
     * and an empty {@code tty=} included, is true. Reading fewer values as true than the API
     * server does would let an agent open a terminal the proxy inspects as piped input.
     */
    public static boolean flag(Map<String, List<String>> query, String name) {
        List<String> values = query.getOrDefault(name, List.of());
        if (values.isEmpty()) {
            return false;
        }
        String first = values.get(0);
        return !(first.equals("0") || first.equalsIgnoreCase("false"));
    }

    public static List<String> command(Map<String, List<String>> query) {
        return List.copyOf(query.getOrDefault("command", List.of()));
    }
}
