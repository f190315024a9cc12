package dev.agentguard.proxy.bench;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.agentguard.proxy.bench.ExecClient.Endpoint;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.apps.ShimProcess;
import dev.agentguard.testing.kube.KubeApiServer;

/** The agent's path: a shim holding the agent pod's token, in front of its own proxy. */
record Proxied(ProxyProcess proxy, ShimProcess shim, Endpoint endpoint) implements AutoCloseable {

    /**
     * The JVM flags the webhook gives the injected shim (agentguard.webhook.shim.jvm-options), unless
     * {@code bench.shim.jvm} says otherwise.
     */
    private static final List<String> SHIM_JVM = Arrays.stream(System.getProperty("bench.shim.jvm",
            "-XX:+UseSerialGC -Xss256k -Xmx24m -XX:MaxMetaspaceSize=48m"
                    + " -XX:ReservedCodeCacheSize=16m -XX:-UsePerfData").trim().split("\\s+"))
            .filter(flag -> !flag.isEmpty()).toList();

    static Proxied start(KubeApiServer cluster, ExecAgent agent, Map<String, String> settings) throws Exception {
        return start(cluster, agent.namespace(), agent.token(), settings);
    }

    /** For the agent of {@code namespace} whose pod's token is {@code podToken}. */
    static Proxied start(KubeApiServer cluster, String namespace, String podToken, Map<String, String> settings)
            throws Exception {
        ProxyProcess proxy = BenchEnvironment.startProxy(cluster, settings);
        try {
            ShimProcess shim = ShimProcess.start("https://127.0.0.1:" + proxy.port(), proxy.caFile(), podToken,
                    namespace, Map.of(), SHIM_JVM);
            Endpoint endpoint = new Endpoint("shim + proxy", shim.port(),
                    Files.readString(shim.credentials().resolve("ca.crt")), shim.placeholderToken(), true);
            return new Proxied(proxy, shim, endpoint);
        } catch (RuntimeException e) {
            proxy.close();
            throw e;
        }
    }

    /**
     * The proxy's own listener with the pod's real token, as the shim forwards
     * it: the difference to "shim + proxy" is the shim's share.
     */
    Endpoint proxyOnly(ExecAgent agent) {
        return proxyOnly(agent.token());
    }

    Endpoint proxyOnly(String podToken) {
        return new Endpoint("proxy only", proxy.port(), proxy.caPem(), podToken, true);
    }

    @Override
    public void close() {
        shim.close();
        proxy.close();
    }
}
