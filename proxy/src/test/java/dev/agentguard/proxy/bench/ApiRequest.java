package dev.agentguard.proxy.bench;

/**
 * One row of the API benchmark: a request, how often it is timed, and what it must answer
 * on each path (a Secret LIST differs: masked through the proxy).
 */
record ApiRequest(String name, String path, int runs, Expected direct, Expected proxied) {
}
