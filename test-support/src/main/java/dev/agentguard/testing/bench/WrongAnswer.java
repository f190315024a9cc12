package dev.agentguard.testing.bench;

/**
 * A benchmark's path answered something other than what it must: a wrong status, body or
 * output. A benchmark throws it instead of reporting a figure, because a timing of wrong
 * answers (401s, truncated lists) measures nothing. The message names the path and says
 * what came back and what was expected.
 */
public final class WrongAnswer extends RuntimeException {

    public WrongAnswer(String path, String what) {
        super(path + ": " + what);
    }
}
