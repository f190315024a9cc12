package dev.agentguard.proxy.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import dev.agentguard.testing.bench.WrongAnswer;

/**
 * One of the agent's clients as the benchmark runs them: its bearer token (unless the path
 * adds it), JSON, HTTP/1.1 keep-alive, used by one thread at a time, so it holds one
 * connection and every path differs only in the address.
 */
final class ApiClient {

    /** Longer than any answer takes; a path that hangs fails the run instead of stalling it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String path;
    private final HttpClient http;
    private final String token;

    /** @param token the bearer token to send, or {@code null} to send none */
    ApiClient(String path, SSLContext trust, String token) {
        this.path = path;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust).build();
        this.token = token;
    }

    /** One GET, timed; its answer is checked later, by {@link Answer#check}, outside the timing. */
    Answer timedGet(String url) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new WrongAnswer(path + ": GET " + url, "no answer: " + e);
        }
        return new Answer(path, url, System.nanoTime() - start, response.statusCode(), response.body());
    }

    /** A GET whose answer is checked at once and not timed. */
    Answer checkedGet(String url, Expected expected) throws InterruptedException {
        Answer answer = timedGet(url);
        answer.check(expected);
        return answer;
    }
}
