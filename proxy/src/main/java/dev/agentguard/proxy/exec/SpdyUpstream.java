package dev.agentguard.proxy.exec;

import java.util.List;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The API server's side over SPDY/3.1, which kube-apiserver passes through to
 * the kubelet byte for byte. Over a WebSocket the API server translates the
 * session to SPDY itself, and when the agent reads slower than the container
 * writes, that translation drops the output still queued when the kubelet closes
 * (kubernetes/kubernetes#124571: a {@code Success} exit with output missing).
 * Here the proxy is the SPDY client and reads every byte before the end.
 *
 * <p>The agent's own handshake completes with its preferred subprotocol: v5's
 * close channel becomes the end of the stdin stream.
 */
public final class SpdyUpstream implements ExecUpstream {

    private static final Logger LOG = Logger.getLogger(SpdyUpstream.class);
    static final String STREAM_PROTOCOL = "v4.channel.k8s.io";
    private static final String PROTOCOL_VERSION_HEADER = "X-Stream-Protocol-Version";

    private final HttpClient client;

    public SpdyUpstream(HttpClient client) {
        this.client = client;
    }

    @Override
    public Future<Opened> open(String uri, SessionPlan plan, List<String> offered, MultiMap headers) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(uri)
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers))
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE)
                .putHeader(HttpHeaders.UPGRADE, "SPDY/3.1")
                .putHeader(PROTOCOL_VERSION_HEADER, STREAM_PROTOCOL);
        List<SpdyEnd.Stream> streams = SpdyEnd.streamsFor(plan.stdin(), plan.stdout(), plan.stderr(), plan.tty());
        return client.request(options)
                .compose(request -> {
                    // Once upgraded, the request outlives its use: the session's end closes the
                    // connection and Vert.x reports that to the request, at ERROR unless handled here.
                    request.exceptionHandler(e -> LOG.debugf("SPDY connection ended: %s", e.getMessage()));
                    return request.connect();
                })
                .compose(response -> opened(response, streams, offered.get(0)));
    }

    private static Future<Opened> opened(HttpClientResponse response, List<SpdyEnd.Stream> streams,
            String agentProtocol) {
        if (response.statusCode() != 101) {
            String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
            return response.body().compose(body -> Future.failedFuture(
                    new Refused(response.statusCode(), type, body)));
        }
        String agreed = response.getHeader(PROTOCOL_VERSION_HEADER);
        if (!STREAM_PROTOCOL.equals(agreed)) {
            response.netSocket().close();
            return Future.failedFuture(new IllegalStateException("the API server upgraded to SPDY with stream "
                    + "protocol " + (agreed == null ? "none" : agreed) + ", not " + STREAM_PROTOCOL));
        }
        return Future.succeededFuture(new Opened(new SpdyEnd(response.netSocket(), streams), agentProtocol));
    }
}
