package dev.agentguard.relay;

import java.util.Locale;
import java.util.Set;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/** Which headers cross the shim, per RFC 9110 §7.6.1 and the shim's own rules. */
public final class Headers {

    /** Connection-scoped headers: they describe one hop and are never forwarded as such. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private Headers() {
    }

    /**
     * Copies request headers for upstream: the agent's Authorization (the
     * placeholder) and Host never leave; hop-by-hop headers only when the request
     * is an upgrade, whose handshake needs {@code Connection} and {@code Upgrade}.
     */
    public static void copyRequest(MultiMap from, MultiMap to, boolean upgrade) {
        from.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("authorization") || lower.equals("host")) {
                return;
            }
            if (HOP_BY_HOP.contains(lower) && !(upgrade && (lower.equals("connection") || lower.equals("upgrade")))) {
                return;
            }
            to.add(name, value);
        });
    }

    /** Copies response headers back to the agent, dropping hop-by-hop ones. */
    public static void copyResponse(MultiMap from, MultiMap to) {
        from.forEach((name, value) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                to.add(name, value);
            }
        });
    }

    public static boolean isUpgrade(MultiMap headers) {
        String connection = headers.get(HttpHeaders.CONNECTION);
        return headers.contains(HttpHeaders.UPGRADE) && connection != null
                && connection.toLowerCase(Locale.ROOT).contains("upgrade");
    }
}
