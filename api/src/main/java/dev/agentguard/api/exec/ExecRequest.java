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

    /** A boolean query flag as kube-apiserver reads it ({@code tty=true}, {@code tty=1}). */
    public static boolean flag(Map<String, List<String>> query, String name) {
        List<String> values = query.getOrDefault(name, List.of());
        return !values.isEmpty() && (values.get(0).equalsIgnoreCase("true") || values.get(0).equals("1"));
    }

    public static List<String> command(Map<String, List<String>> query) {
        return List.copyOf(query.getOrDefault("command", List.of()));
    }
}
