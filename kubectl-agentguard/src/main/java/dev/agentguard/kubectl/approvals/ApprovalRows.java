package dev.agentguard.kubectl.approvals;

import java.time.Instant;
import java.util.List;

import dev.agentguard.api.approval.ApprovalDecisions;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.kubectl.output.Ages;

/** How an ApprovalRequest reads in a table: who asks, for what, why, and how long it may still wait. */
final class ApprovalRows {

    static final String[] HEADERS = {"NAME", "AGENT", "REQUEST", "RULE", "HELD", "LEFT", "PHASE", "DECIDED-BY"};
    /** Widths for --watch lines, printed one at a time without knowing the rows to come. */
    static final int[] WIDTHS = {16, 24, 48, 28, 6, 6, 8, 0};

    private ApprovalRows() {
    }

    static List<String> cells(ApprovalRequest request, Instant now) {
        ApprovalRequestSpec spec = request.getSpec();
        String created = request.getMetadata().getCreationTimestamp();
        ApprovalPhase phase = phase(request);
        return List.of(request.getMetadata().getName(),
                spec.agent().namespace() + "/" + spec.agent().serviceAccount(),
                describe(spec.request()),
                spec.rule(),
                Ages.since(created, now),
                phase == ApprovalPhase.Pending ? left(created, spec.waitSeconds(), now) : "-",
                phase.name(),
                request.getStatus() == null || request.getStatus().decidedBy() == null ? ""
                        : request.getStatus().decidedBy());
    }

    static ApprovalPhase phase(ApprovalRequest request) {
        return ApprovalDecisions.phase(request);
    }

    /** "delete deployments/reports -n demo", or for exec the command the agent wants to run. */
    static String describe(RequestRef request) {
        if (request.command() != null && !request.command().isEmpty()) {
            return request.verb() + " " + target(request) + " -- " + String.join(" ", request.command());
        }
        return request.verb() + " " + target(request);
    }

    private static String target(RequestRef request) {
        String resource = request.resource() == null ? request.path() : request.resource()
                + (request.subresource() == null || request.subresource().isEmpty() ? "" : "/" + request.subresource());
        String named = request.name() == null || request.name().isEmpty() ? resource
                : request.subresource() == null || request.subresource().isEmpty() ? resource + "/" + request.name()
                        : request.resource() + "/" + request.name() + "/" + request.subresource();
        return request.namespace() == null || request.namespace().isEmpty() ? named
                : named + " -n " + request.namespace();
    }

    private static String left(String created, Integer waitSeconds, Instant now) {
        if (created == null || waitSeconds == null) {
            return "";
        }
        Instant ends = Instant.parse(created).plusSeconds(waitSeconds);
        return now.isAfter(ends) ? "0s" : Ages.of(java.time.Duration.between(now, ends));
    }
}
