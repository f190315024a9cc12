package dev.agentguard.operator.notification;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;

/**
 * Sends deliveries on the Vert.x event loop: {@link #submit} only queues, so the reconciler that
 * calls it never waits on a receiver, and nothing here touches an ApprovalRequest, so a slow or
 * broken receiver cannot delay its expiry. At most max-in-flight deliveries are being sent or
 * waiting for a retry at once; the rest wait in the bounded {@link DeliveryQueue}.
 * Logs name the receiver, never its URL (a secret).
 */
@Singleton
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);

    private final Vertx vertx;
    private final WebClient client;
    private final RetryPolicy retries;
    private final NotificationMetrics metrics;
    private final DeliveryQueue<Delivery> queue;
    private final int maxInFlight;
    private int inFlight;

    Dispatcher(Vertx vertx, NotificationsConfig config, NotificationMetrics metrics) {
        this.vertx = vertx;
        this.retries = RetryPolicy.of(config);
        this.metrics = metrics;
        this.queue = new DeliveryQueue<>(config.queueCapacity());
        if (config.maxInFlight() < 1) {
            throw new IllegalArgumentException("notifications max-in-flight must be at least 1");
        }
        this.maxInFlight = config.maxInFlight();
        // Redirects are not followed: a receiver's answer must not send the operator elsewhere.
        this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
                .setConnectTimeout((int) Math.max(1, retries.attemptTimeout().toMillis()))
                .setUserAgent("agentguard-operator"));
        metrics.queueSize(queue::size);
    }

    void submit(Delivery delivery) {
        queue.offer(delivery).ifPresent(dropped -> {
            metrics.count(dropped.receiver(), NotificationMetrics.Outcome.dropped);
            LOG.warnf("notification of %s to receiver %s dropped: more than %d waiting", dropped.request(),
                    dropped.receiver().name(), queue.size());
        });
        drain();
    }

    private void drain() {
        while (true) {
            Delivery next;
            synchronized (this) {
                if (inFlight >= maxInFlight) {
                    return;
                }
                next = queue.poll();
                if (next == null) {
                    return;
                }
                inFlight++;
            }
            attempt(next, 1);
        }
    }

    private void attempt(Delivery delivery, int attempt) {
        long timeout = Math.max(1, retries.attemptTimeout().toMillis());
        Promise<Integer> answer = Promise.promise();
        // The request's own timeout is an idle timeout; this one bounds the whole attempt.
        long timer = vertx.setTimer(timeout, t -> answer.tryFail(new TimeoutException("no answer within " + timeout + "ms")));
        try {
            // Only the status counts. The body is discarded as it arrives, never buffered: a
            // receiver cannot make the operator hold its answer, however large.
            client.postAbs(delivery.receiver().url().toString()).as(BodyCodec.none()).timeout(timeout)
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(delivery.body()))
                    .onComplete(ar -> {
                        vertx.cancelTimer(timer);
                        if (ar.succeeded()) {
                            answer.tryComplete(ar.result().statusCode());
                        } else {
                            answer.tryFail(ar.cause());
                        }
                    });
        } catch (RuntimeException e) {
            vertx.cancelTimer(timer);
            answer.tryFail(e);
        }
        answer.future().onComplete(ar -> {
            RetryPolicy.Verdict verdict = ar.succeeded() ? retries.afterStatus(ar.result(), attempt)
                    : retries.afterError(attempt);
            // Only the exception's type: its message can carry the receiver's address.
            String what = ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName();
            switch (verdict) {
                case DELIVERED -> {
                    metrics.delivered(delivery.receiver(), Duration.ofNanos(System.nanoTime() - delivery.queuedAt()));
                    LOG.debugf("notification of %s delivered to receiver %s (attempt %d)", delivery.request(),
                            delivery.receiver().name(), attempt);
                    finished();
                }
                case RETRY -> {
                    Duration wait = retries.backoff(attempt);
                    LOG.debugf("notification of %s to receiver %s: attempt %d failed (%s), retrying in %dms",
                            delivery.request(), delivery.receiver().name(), attempt, what, wait.toMillis());
                    vertx.setTimer(Math.max(1, wait.toMillis()), t -> attempt(delivery, attempt + 1));
                }
                case GIVE_UP -> {
                    metrics.count(delivery.receiver(), NotificationMetrics.Outcome.failed);
                    LOG.warnf("notification of %s to receiver %s failed after %d attempt(s): %s", delivery.request(),
                            delivery.receiver().name(), attempt, what);
                    finished();
                }
            }
        });
    }

    private void finished() {
        synchronized (this) {
            inFlight--;
        }
        drain();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
