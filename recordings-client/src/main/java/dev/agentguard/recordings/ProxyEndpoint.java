package dev.agentguard.recordings;

import java.net.URI;

/**
 * Where one node's proxy listens, and the name its certificate must carry.
 *
 * @param host       the address to connect to (the node's IP: the proxy serves on a hostPort)
 * @param serverName the DNS name the proxy's certificate is verified against, {@code agentguard-proxy.<ns>.svc}
 */
public record ProxyEndpoint(String node, String host, int port, String serverName) {

    /** The HTTPS URI of a path on this proxy (IPv6 literals bracketed). */
    public URI uri(String path) {
        String literal = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("https://" + literal + ":" + port + path);
    }
}
