package dev.agentguard.proxy.exec;

import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** Opens the API server's side of an exec or attach session, with the agent's credentials. */
public interface ExecUpstream {

    /**
     * @param uri      the agent's request path and query, as admitted
     * @param offered  the channel subprotocols the agent offered that the proxy relays, best first
     * @param headers  Authorization and User-Agent for the API server
     * @return the side, and the subprotocol the agent's handshake completes with; fails with
     *         {@link Refused} when the API server answers with something other than a session
     */
    Future<Opened> open(String uri, SessionPlan plan, List<String> offered, MultiMap headers);

    /** The session's API-server side and the agent's subprotocol. */
    record Opened(SessionEnd end, String protocol) {
    }

    /** The API server refused the session (RBAC, no such pod); the agent gets this answer. */
    final class Refused extends RuntimeException {

        private final int status;
        private final String contentType;
        private final transient Buffer body;

        public Refused(int status, String contentType, Buffer body) {
            super("the API server answered " + status);
            this.status = status;
            this.contentType = contentType;
            this.body = body == null ? Buffer.buffer() : body;
        }

        public int status() {
            return status;
        }

        public String contentType() {
            return contentType;
        }

        public Buffer body() {
            return body;
        }
    }
}
