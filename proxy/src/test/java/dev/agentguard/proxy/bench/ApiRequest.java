package dev.agentguard.proxy.bench;

/**
 * One request of the API benchmark, with how often it is timed on each path and at each
 * number of clients, and what it must answer: {@code clear} where nothing masks (direct,
 * kubectl proxy), {@code masked} through agentguard's proxy (a Secret LIST differs).
 */
record ApiRequest(String name, String path, int runs, Expected clear, Expected masked) {

    Expected expected(ApiPath on) {
        return on.masks() ? masked : clear;
    }
}
