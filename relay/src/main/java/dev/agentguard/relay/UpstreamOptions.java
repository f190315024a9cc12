package dev.agentguard.relay;

import java.net.URI;
import java.util.function.Consumer;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Client options for an upstream the relay forwards to: HTTPS with host
 * verification, HTTP/1.1 (upgrades need it) and a pool large enough that
 * long-lived watches, each holding a connection, do not starve other requests.
 * The caller adds the trust options.
 */
public final class UpstreamOptions {

    private UpstreamOptions() {
    }

    /**
     * Requests to {@code url}'s address whose TLS certificate is verified against
     * {@code serverName} instead: the shim connects to the node proxy on the node's
     * IP, and one proxy certificate, named for the proxy's Service, serves every node.
     */
    public static Consumer<RequestOptions> verifyingName(String url, String serverName) {
        URI upstream = URI.create(url);
        int port = upstream.getPort() < 0 ? 443 : upstream.getPort();
        SocketAddress address = SocketAddress.inetSocketAddress(port, upstream.getHost());
        return options -> options.setServer(address).setHost(serverName).setPort(port);
    }

    /** @throws IllegalArgumentException when {@code url} is not an https URL with a host */
    public static HttpClientOptions forUrl(String url, int maxConnections, String setting) {
        URI upstream = URI.create(url);
        if (!"https".equals(upstream.getScheme()) || upstream.getHost() == null) {
            throw new IllegalArgumentException(setting + " must be an https:// URL, got " + url);
        }
        return new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setSsl(true)
                .setVerifyHost(true)
                .setDefaultHost(upstream.getHost())
                .setDefaultPort(upstream.getPort() < 0 ? 443 : upstream.getPort())
                .setMaxPoolSize(maxConnections)
                .setKeepAlive(true);
    }
}
