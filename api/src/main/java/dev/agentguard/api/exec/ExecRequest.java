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

    public static List<String> command(Map<String, List<String>> query) {
        return List.copyOf(query.getOrDefault("command", List.of()));
    }
}
