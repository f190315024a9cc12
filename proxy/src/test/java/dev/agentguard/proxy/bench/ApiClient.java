package dev.agentguard.proxy.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import javax.net.ssl.SSLContext;

import dev.agentguard.testing.bench.WrongAnswer;

/**
 * The agent's GETs as the benchmark sends them: its bearer token, JSON, one client,
 * HTTP/1.1 keep-alive, so direct and proxied differ only in the address.
 */
final class ApiClient {

    private final HttpClient http;
    private final String token;
    private int checkedAnswers;

    ApiClient(SSLContext trust, String token) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust).build();
        this.token = token;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One GET, checked against what it must answer; returns how long it took (the check is not timed). */
    long timedGet(String url, Expected expected) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = get(url);
        long nanos = System.nanoTime() - start;
        check(url, response, expected);
        return nanos;
    }

    /** A GET whose answer is checked but not timed. */
    HttpResponse<String> checkedGet(String url, Expected expected) throws Exception {
        HttpResponse<String> response = get(url);
        check(url, response, expected);
        return response;
    }

    /** How many answers were checked and found right so far. */
    int checkedAnswers() {
        return checkedAnswers;
    }

    private void check(String url, HttpResponse<String> response, Expected expected) {
        expected.problem(response.statusCode(), response.body()).ifPresent(problem -> {
            throw new WrongAnswer("GET " + url, problem);
        });
        checkedAnswers++;
    }
}
