package dev.agentguard.proxy.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes remote-command WebSocket protocol
 * ({@code k8s.io/apimachinery/pkg/util/remotecommand}): every binary message
 * starts with a channel byte. Versions 4 and 5 share the framing and carry the
 * exit status as a {@code Status} on the error channel; v5 adds the close
 * channel, by which a client ends its stdin without ending the session.
 */
public final class ChannelProtocol {

    public static final String V5 = "v5.channel.k8s.io";
    public static final String V4 = "v4.channel.k8s.io";
    /** What the proxy relays frame by frame, best first. */
    public static final List<String> SUPPORTED = List.of(V5, V4);

    public static final int STDIN = 0;
    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    public static final int ERROR = 3;
    public static final int RESIZE = 4;
    public static final int CLOSE = 255;

    private ChannelProtocol() {
    }

    /** The subprotocols the client offers that the proxy can relay, in the client's order of preference. */
    public static List<String> relayable(List<String> offeredHeaders) {
        List<String> relayable = new ArrayList<>();
        for (String header : offeredHeaders) {
            for (String offered : header.split(",")) {
                String protocol = offered.trim();
                if (SUPPORTED.contains(protocol) && !relayable.contains(protocol)) {
                    relayable.add(protocol);
                }
            }
        }
        return relayable;
    }

    public static boolean hasCloseChannel(String protocol) {
        return V5.equals(protocol);
    }
}
