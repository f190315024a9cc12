package dev.agentguard.proxy.bench;

import dev.agentguard.testing.bench.WrongAnswer;

/** What one GET on a path got, and how long it took. */
record Answer(String path, String url, long nanos, int status, String body) {

    /** @throws WrongAnswer naming the path and the request, unless the answer is what it must be */
    void check(Expected expected) {
        expected.problem(status, body).ifPresent(problem -> {
            throw new WrongAnswer(path + ": GET " + url, problem);
        });
    }
}
