package dev.agentguard.proxy.approval;

/**
 * How a held request ended.
 *
 * @param approved   true when the request may proceed
 * @param request    the ApprovalRequest's name, or empty when an earlier grant covered it
 * @param explanation for refusals: why, naming the request and who decided
 */
public record ApprovalOutcome(boolean approved, String request, String explanation) {
}
