package dev.agentguard.console.approvals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.agentguard.api.approval.StepUpCheck;
import dev.agentguard.api.exec.ShellScript;
import dev.agentguard.api.exec.ShellSyntaxException;
import dev.agentguard.api.exec.SimpleCommand;
import dev.agentguard.api.v1alpha1.AgentRef;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.api.v1alpha1.ApprovalRequestSpec;
import dev.agentguard.api.v1alpha1.ApprovalRequestStatus;
import dev.agentguard.api.v1alpha1.RequestRef;
import dev.agentguard.api.v1alpha1.StepUp;

/** Turns ApprovalRequests into rows: pending first, oldest first; then decided, newest first. */
final class ApprovalRows {

    /** The proxy's default hold, when a request does not say (ApprovalSettings.waitSeconds). */
    private static final int DEFAULT_WAIT_SECONDS = 300;

    private ApprovalRows() {
    }

    /**
     * @param login the viewer's login as user extra (see {@code Viewer.login()}), for the step-up
     *              warning on pending requests
     */
    static List<ApprovalRow> of(List<ApprovalRequest> requests, Instant now, Map<String, List<String>> login) {
        List<ApprovalRow> rows = requests.stream().map(r -> row(r, now, login)).toList();
        // RFC 3339 timestamps in UTC, as the API server writes them, sort as strings.
        Comparator<ApprovalRow> lastChange = Comparator.comparing(r -> r.decidedAt() == null ? r.created() : r.decidedAt());
        return Stream.concat(
                rows.stream().filter(ApprovalRow::pending).sorted(Comparator.comparing(ApprovalRow::created)),
                rows.stream().filter(r -> !r.pending()).sorted(lastChange.reversed())).toList();
    }

    static ApprovalRow row(ApprovalRequest request, Instant now, Map<String, List<String>> login) {
        ApprovalRequestSpec spec = request.getSpec();
        ApprovalRequestStatus status = request.getStatus();
        AgentRef agent = spec.agent();
        RequestRef what = spec.request();
        String created = request.getMetadata().getCreationTimestamp();
        Instant createdAt = created == null ? now : Instant.parse(created);
        int wait = spec.waitSeconds() == null ? DEFAULT_WAIT_SECONDS : spec.waitSeconds();
        Instant deadline = createdAt.plusSeconds(wait);
        String phase = status == null || status.phase() == null ? "Pending" : status.phase().name();
        List<List<String>> commands = List.of();
        boolean opaque = false;
        if (what.command() != null && !what.command().isEmpty()) {
            try {
                ShellScript script = ShellScript.ofArgv(what.command());
                commands = script.commands().stream().map(SimpleCommand::argv).toList();
                opaque = script.opaque();
            } catch (ShellSyntaxException e) {
                // Shown as the agent sent it; the proxy held it for the same reason.
                commands = List.of(what.command());
                opaque = true;
            }
        }
        return new ApprovalRow(request.getMetadata().getName(), phase, agent.namespace(), agent.serviceAccount(),
                agent.pod(), agent.node(), what.verb(), resource(what), target(what), what.path(), commands, opaque,
                spec.policy(), spec.rule(), spec.reason(), created, age(Duration.between(createdAt, now)),
                now.isBefore(deadline) ? age(Duration.between(now, deadline)) : "0s", deadline.toEpochMilli(),
                status == null ? null : status.decidedBy(), status == null ? null : status.decidedAt(),
                status == null ? null : status.message(), describe(spec.stepUp()),
                "Pending".equals(phase) ? StepUpCheck.refusal(spec.stepUp(), login, now).orElse(null) : null);
    }

    /** "a login within 5m and with acr gold or silver", or null when approving needs no step-up. */
    static String describe(StepUp stepUp) {
        if (stepUp == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (stepUp.maxAgeSeconds() != null) {
            parts.add("within " + age(Duration.ofSeconds(stepUp.maxAgeSeconds())));
        }
        if (stepUp.acrValues() != null && !stepUp.acrValues().isEmpty()) {
            parts.add("with acr " + String.join(" or ", stepUp.acrValues()));
        }
        return parts.isEmpty() ? null : "a login " + String.join(" and ", parts);
    }

    private static String resource(RequestRef what) {
        String group = what.apiGroup() == null || what.apiGroup().isEmpty() ? "" : "." + what.apiGroup();
        String sub = what.subresource() == null || what.subresource().isEmpty() ? "" : "/" + what.subresource();
        return what.resource() == null ? "" : what.resource() + group + sub;
    }

    private static String target(RequestRef what) {
        String ns = what.namespace() == null ? "" : what.namespace() + "/";
        return what.name() == null ? ns : ns + what.name();
    }

    /** kubectl's style: 45s, 3m12s, 2h5m. */
    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }
}
