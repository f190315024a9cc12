package dev.agentguard.proxy.exec;

import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * The API server's side over a WebSocket, the subprotocol chosen by the API
 * server from the agent's offer. kube-apiserver translates it to SPDY towards
 * the kubelet, and that translation can end a slow reader's session before all
 * of its output has arrived (kubernetes/kubernetes#124571); {@link SpdyUpstream}
 * does not have that problem.
 */
public final class WebSocketUpstream implements ExecUpstream {

    private final WebSocketClient client;

    public WebSocketUpstream(WebSocketClient client) {
        this.client = client;
    }

    @Override
    public Future<Opened> open(String uri, SessionPlan plan, List<String> offered, MultiMap headers) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setURI(uri).setSubProtocols(offered);
        headers.forEach(options::addHeader);
        return client.connect(options).<Opened>map(socket -> new Opened(
                new WebSocketEnd(socket, socket.subProtocol(), true), socket.subProtocol()))
                .recover(e -> Future.failedFuture(e instanceof UpgradeRejectedException rejected
                        ? new Refused(rejected.getStatus(), rejected.getHeaders() == null ? null
                                : rejected.getHeaders().get(HttpHeaders.CONTENT_TYPE), rejected.getBody())
                        : e));
    }
}
