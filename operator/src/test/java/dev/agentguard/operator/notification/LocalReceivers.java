package dev.agentguard.operator.notification;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Real HTTP receivers on a free local port, configured as the operator's receivers:
 * <ul>
 * <li>{@code ok} (json, default): answers 200;</li>
 * <li>{@code slack} (slack): answers 200;</li>
 * <li>{@code flaky} (json): answers 500 to the first attempt of each notification, then 200;</li>
 * <li>{@code fail} (json): always answers 500;</li>
 * <li>{@code hang} (json): never answers.</li>
 * </ul>
 * Every body received, per receiver in arrival order, is injected into the test's field
 * {@code Map<String, List<String>> received} (JDK types only, so no class loader stands between them).
 */
public class LocalReceivers implements QuarkusTestResourceLifecycleManager {

    private final Map<String, List<String>> received = new ConcurrentHashMap<>();
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    private final CountDownLatch release = new CountDownLatch(1);
    private ExecutorService executor;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        for (String name : List.of("ok", "slack", "flaky", "fail", "hang")) {
            received.put(name, Collections.synchronizedList(new ArrayList<>()));
            server.createContext("/" + name, exchange -> handle(name, exchange));
        }
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        String prefix = "agentguard.operator.notifications.";
        Map<String, String> config = new java.util.HashMap<>();
        config.put(prefix + "console-url", "http://console.test/");
        // Short backoffs so retries are quick; an attempt timeout long enough that the hanging
        // receiver is still unanswered when the request it was told of expires.
        config.put(prefix + "initial-backoff", "50ms");
        config.put(prefix + "max-attempts", "3");
        config.put(prefix + "attempt-timeout", "60s");
        for (String name : List.of("ok", "slack", "flaky", "fail", "hang")) {
            config.put(prefix + "receivers." + name + ".type", name.equals("slack") ? "slack" : "json");
            config.put(prefix + "receivers." + name + ".url", base + name);
            config.put(prefix + "receivers." + name + ".default", String.valueOf(name.equals("ok")));
        }
        return config;
    }

    private void handle(String name, HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        received.get(name).add(body);
        int status = switch (name) {
            case "fail" -> 500;
            case "flaky" -> failedOnce.add(body) ? 500 : 200;
            case "hang" -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield 503;
            }
            default -> 200;
        };
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(received,
                field -> field.getName().equals("received") && field.getType().isAssignableFrom(Map.class));
    }

    @Override
    public void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
