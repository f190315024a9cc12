package dev.agentguard.proxy.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.agentguard.api.policy.AgentIdentity;
import dev.agentguard.api.request.RequestAttributes;

/**
 * Identifies "the same request" for approval grants: the same agent
 * (namespace and ServiceAccount, so a restarted pod keeps its grant) doing the
 * same verb on the same object, and for exec the same command. Request bodies
 * are not part of it.
 */
final class Fingerprint {

    private Fingerprint() {
    }

    /** @param command for exec: the argv, so approving one command grants no other */
    static String of(AgentIdentity agent, RequestAttributes request, java.util.List<String> command) {
        String canonical = String.join("\n", agent.namespace(), agent.serviceAccount(), request.verb(),
                request.apiGroup(), request.resource(), request.subresource(), request.namespace(), request.name())
                + "\n" + String.join("\u0000", command);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
