package dev.agentguard.proxy.bench;

import java.util.Optional;

/**
 * What a path must answer to one request. The benchmark stops at the first other answer:
 * a timing of 401s or of truncated lists would say nothing about the proxy.
 */
@FunctionalInterface
interface Expected {

    /** Empty when the answer is right, else what is wrong with it, for the failure message. */
    Optional<String> problem(int status, String body);
}
