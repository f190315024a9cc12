package dev.agentguard.proxy.bench;

import java.util.List;

import javax.net.ssl.SSLContext;

/**
 * One way the agent's GETs can reach the API server: where they go, what the client
 * trusts and presents there, whether agentguard's proxy is on the way (then Secrets come
 * back masked), and the processes in between, whose CPU a request costs.
 *
 * @param token the bearer token the client sends, or {@code null} when the hop adds the
 *              credential itself (kubectl proxy, from its kubeconfig)
 * @param hops  the pids of the processes between client and API server (none direct)
 */
record ApiPath(String name, String base, SSLContext trust, String token, boolean masks, List<Long> hops) {

    static final String DIRECT = "direct";
    static final String KUBECTL_PROXY = "kubectl proxy";

    ApiPath {
        base = base.replaceAll("/+$", "");
        hops = List.copyOf(hops);
    }

    /** A new keep-alive client of this path: one connection, reused for every request. */
    ApiClient client() {
        return new ApiClient(name, trust, token);
    }

    /** Without the token: a report or a failure message never carries a credential. */
    @Override
    public String toString() {
        return "ApiPath[" + name + ", " + base + "]";
    }
}
