package dev.agentguard.proxy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A closed loop of clients: each on its own thread sends the same GET {@code perClient}
 * times, one after the other, all starting together. The answers are kept and checked by
 * the caller once every client is done, so that checking a 1 MiB LIST neither delays a
 * client's next request (which would lower the rate) nor competes with the timed requests
 * of the others for the CPU.
 */
final class ConcurrentGets {

    /** Every answer, and the wall time from the start of all clients to the end of the last. */
    record Result(List<Answer> answers, long wallNanos) {
    }

    private ConcurrentGets() {
    }

    static Result run(List<ApiClient> clients, String url, int perClient) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        try {
            CountDownLatch ready = new CountDownLatch(clients.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Answer>>> sent = new ArrayList<>();
            for (ApiClient client : clients) {
                sent.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    List<Answer> answers = new ArrayList<>(perClient);
                    for (int i = 0; i < perClient; i++) {
                        answers.add(client.timedGet(url));
                    }
                    return answers;
                }));
            }
            // Every thread is up before the clock starts, so thread start-up is not timed.
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            List<Answer> answers = new ArrayList<>(clients.size() * perClient);
            for (Future<List<Answer>> client : sent) {
                answers.addAll(result(client));
            }
            return new Result(answers, System.nanoTime() - start);
        } finally {
            threads.shutdownNow();
        }
    }

    /** A client's answers; its failure (a path that gave no answer) as it was thrown. */
    private static List<Answer> result(Future<List<Answer>> client) throws Exception {
        try {
            return client.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
