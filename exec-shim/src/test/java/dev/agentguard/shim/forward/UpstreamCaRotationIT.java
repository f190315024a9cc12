package dev.agentguard.shim.forward;

import static dev.agentguard.shim.forward.RotatingProxyResource.NEW;
import static dev.agentguard.shim.forward.RotatingProxyResource.OLD;
import static dev.agentguard.shim.forward.RotatingProxyResource.proxyCa;
import static dev.agentguard.shim.forward.RotatingProxyResource.restartTlsWith;
import static dev.agentguard.shim.forward.RotatingProxyResource.serveCertificateFrom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.agentguard.relay.tls.TlsFileReloader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;

/**
 * The operator's CA rotation, as one running shim lives through it: the bundle becomes NEW+OLD, the
 * proxy then serves a NEW-issued certificate, then OLD leaves the bundle. Not one agent request may
 * fail while the bundle holds both CAs, a request already streaming keeps streaming, and once OLD
 * is gone an OLD-issued proxy certificate is refused.
 */
@QuarkusTest
@QuarkusTestResource(value = RotatingProxyResource.class, restrictToAnnotatedClass = true)
class UpstreamCaRotationIT {

    private static final Duration RELOADED = Duration.ofSeconds(10);

    @Inject
    ShimServer shim;

    private HttpClient agent;
    private String placeholder;

    @BeforeEach
    void agent() throws Exception {
        placeholder = Files.readString(RotatingProxyResource.credentialsDir.resolve("token"));
        agent = RotatingProxyResource.vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(
                        RotatingProxyResource.credentialsDir.resolve("ca.crt").toString())));
    }

    @AfterEach
    void close() {
        agent.close();
    }

    @Test
    void theShimTrustsARotatedProxyCaWithoutARestartOrAFailedRequest() throws Exception {
        TlsFileReloader trust = shim.upstreamTrust().orElseThrow();
        assertThat(get()).isEqualTo("200 reached");
        CompletableFuture<String> watch = openWatch();

        // 1. NEW joins the bundle while the proxy still serves an OLD-issued certificate; requests
        //    keep flowing while the shim notices and swaps its trust.
        Traffic duringReload = new Traffic();
        proxyCa.write(Map.of("ca.crt", NEW.root().certificatePem() + OLD.root().certificatePem()));
        await().atMost(RELOADED).until(trust::upToDate);
        duringReload.stopAfter(10);

        // 2. The proxy switches to a NEW-issued certificate while requests keep flowing.
        Traffic afterSwitch = new Traffic();
        serveCertificateFrom(NEW);
        afterSwitch.stopAfter(20);
        assertThat(duringReload.results).as("requests while the shim reloads").allMatch("200 reached"::equals);
        assertThat(afterSwitch.results).as("requests across the switch to the NEW-issued certificate")
                .allMatch("200 reached"::equals);

        // 3. OLD leaves the bundle: the NEW certificate is still trusted, an OLD-issued one no longer.
        proxyCa.write(Map.of("ca.crt", NEW.root().certificatePem()));
        await().atMost(RELOADED).until(trust::upToDate);
        assertThat(get()).isEqualTo("200 reached");
        restartTlsWith(OLD);
        String refused = get();
        assertThat(refused).startsWith("502 ");
        JsonObject status = new JsonObject(refused.substring("502 ".length()));
        assertThat(status.getString("kind")).isEqualTo("Status");
        assertThat(status.getString("reason")).isEqualTo("BadGateway");
        assertThat(status.getString("message")).startsWith("the agentguard shim cannot reach the node proxy");
        restartTlsWith(NEW);
        assertThat(get()).as("refused for its issuer, not for a broken proxy").isEqualTo("200 reached");

        // The connection opened before the rotation was never dropped.
        RotatingProxyResource.watch.get(10, TimeUnit.SECONDS).end("last\n");
        assertThat(watch.get(10, TimeUnit.SECONDS)).isEqualTo("first\nlast\n");
    }

    /** Requests sent back to back, each waiting for its answer, until stopped. */
    private final class Traffic {

        final List<String> results = new CopyOnWriteArrayList<>();
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private volatile boolean stopped;

        Traffic() {
            thread.submit(() -> {
                while (!stopped) {
                    try {
                        results.add(get());
                    } catch (Exception e) {
                        results.add("no answer: " + e);
                    }
                }
            });
        }

        /** Lets {@code more} further requests complete, then stops. */
        void stopAfter(int more) throws InterruptedException {
            int target = results.size() + more;
            await().atMost(RELOADED).until(() -> results.size() >= target);
            stopped = true;
            thread.shutdown();
            assertThat(thread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Status and body of an agent's request through the shim. */
    private String get() throws Exception {
        return join(request("/version").compose(response -> response.body()
                .map(body -> response.statusCode() + " " + body)));
    }

    /** A long request, like a watch: completes with the whole body once the proxy ends it. */
    private CompletableFuture<String> openWatch() throws Exception {
        CompletableFuture<String> body = new CompletableFuture<>();
        CompletableFuture<Void> firstChunk = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        join(request("/watch").onSuccess(response -> response
                .handler(chunk -> {
                    received.appendBuffer(chunk);
                    firstChunk.complete(null);
                })
                .endHandler(end -> body.complete(received.toString()))
                .exceptionHandler(body::completeExceptionally)));
        firstChunk.get(10, TimeUnit.SECONDS);
        return body;
    }

    private Future<HttpClientResponse> request(String path) {
        return agent.request(HttpMethod.GET, RotatingProxyResource.port, "127.0.0.1", path)
                .compose(request -> request.putHeader("Authorization", "Bearer " + placeholder).send());
    }

    private static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
