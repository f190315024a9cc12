package dev.agentguard.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

/** The dispatcher on a real Vert.x against a real local HTTP server: what is retried, what is dropped. */
class DispatcherTest {

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
        vertx.close();
    }

    @Test
    void aClientErrorIsNotRetried() throws IOException {
        Receiver receiver = serve(400);
        Dispatcher dispatcher = new Dispatcher(vertx, config(1000, 8), new NotificationMetrics(registry));
        dispatcher.submit(new Delivery(receiver, "apr-1", "{\"n\":1}", System.nanoTime()));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(receiver, "failed") == 1);
        assertThat(received).containsExactly("{\"n\":1}");
        assertThat(count(receiver, "delivered")).isZero();
    }

    @Test
    void whenTheQueueIsFullTheOldestWaitingIsDroppedAndCounted() throws IOException {
        Receiver receiver = serve(-1); // hangs until released
        Dispatcher dispatcher = new Dispatcher(vertx, config(1, 1), new NotificationMetrics(registry));
        dispatcher.submit(new Delivery(receiver, "apr-1", "1", System.nanoTime())); // sent, hangs
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("1"));
        dispatcher.submit(new Delivery(receiver, "apr-2", "2", System.nanoTime())); // waits
        dispatcher.submit(new Delivery(receiver, "apr-3", "3", System.nanoTime())); // pushes out 2

        assertThat(count(receiver, "dropped")).isEqualTo(1);
        assertThat(registry.get(NotificationMetrics.QUEUE).gauge().value()).isEqualTo(1);
        release.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(receiver, "delivered") == 2);
        assertThat(received).containsExactly("1", "3");
        assertThat(registry.get(NotificationMetrics.QUEUE).gauge().value()).isZero();
    }

    /** A receiver answering {@code status}, or (-1) answering 200 only once released. */
    private Receiver serve(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(new String(in.readAllBytes()));
            }
            int answer = status;
            if (status < 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer = 200;
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
        return new Receiver("test", Receiver.Type.json,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"), true);
    }

    private double count(Receiver receiver, String outcome) {
        var counter = registry.find(NotificationMetrics.NOTIFICATIONS).tag("receiver", receiver.name())
                .tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static NotificationsConfig config(int capacity, int inFlight) {
        return new NotificationsConfig() {
            @Override
            public Map<String, ReceiverConfig> receivers() {
                return Map.of();
            }

            @Override
            public Optional<String> consoleUrl() {
                return Optional.empty();
            }

            @Override
            public int queueCapacity() {
                return capacity;
            }

            @Override
            public int maxInFlight() {
                return inFlight;
            }

            @Override
            public int maxAttempts() {
                return 3;
            }

            @Override
            public Duration initialBackoff() {
                return Duration.ofMillis(10);
            }

            @Override
            public Duration attemptTimeout() {
                return Duration.ofSeconds(30);
            }
        };
    }
}
