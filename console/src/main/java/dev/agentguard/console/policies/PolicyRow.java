package dev.agentguard.console.policies;

/** One policy on the policies page: its Ready condition and how many proxies run it. */
public record PolicyRow(String kind, String namespace, String name, String mode, String ready, String reason,
        String message, String proxies) {
}
