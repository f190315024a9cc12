package dev.agentguard.proxy.bench;

import java.util.concurrent.TimeUnit;

import dev.agentguard.proxy.bench.ExecClient.Arrival;
import dev.agentguard.proxy.bench.ExecClient.Endpoint;
import dev.agentguard.testing.bench.Samples;
import dev.agentguard.testing.bench.WrongAnswer;
import io.vertx.core.Vertx;

/**
 * Types into {@code sh} on a TTY one key at a time, each after the previous one's echo
 * arrived, and times key to echo. Each echo must be the key; the shell must prompt first
 * and exit with Success when told to.
 */
final class Typist {

    private static final String KEY = "a";
    /** ^U: erases the typed line, so the terminal's line stays short (the kernel holds 4 KiB of it). */
    private static final String KILL_LINE = "\u0015";

    private final Vertx vertx;
    private final ExecBenchParameters parameters;
    private final ProxySessions sessions;

    Typist(Vertx vertx, ExecBenchParameters parameters, ProxySessions sessions) {
        this.vertx = vertx;
        this.parameters = parameters;
        this.sessions = sessions;
    }

    TypingRow row(String name, Endpoint endpoint, String uri, Proxied proxied) throws Exception {
        System.err.printf("typing: %s, %d keys%n", name, parameters.keystrokes());
        int warmup = parameters.warmupKeys();
        long[] nanos = new long[parameters.keystrokes()];
        long received;
        try (ExecClient terminal = ExecClient.terminal(vertx, endpoint, uri)) {
            if (terminal.nextArrival(30, TimeUnit.SECONDS) == null) {
                throw new WrongAnswer(name, "no prompt from sh in 30 s");
            }
            terminal.awaitQuiet(300);
            for (int i = 0; i < warmup + nanos.length; i++) {
                if (i > 0 && i % 200 == 0) {
                    terminal.type(KILL_LINE);
                    terminal.awaitQuiet(200);
                }
                long sent = System.nanoTime();
                terminal.type(KEY);
                Arrival echo = terminal.nextArrival(10, TimeUnit.SECONDS);
                if (echo == null) {
                    throw new WrongAnswer(name, "no echo of key " + i + " in 10 s");
                }
                if (!echo.text().contains(KEY)) {
                    throw new WrongAnswer(name, "key " + i + " echoed as " + echo.text().codePoints()
                            .mapToObj(c -> String.format("U+%04X", c)).toList() + ", not as " + KEY);
                }
                if (i >= warmup) {
                    nanos[i - warmup] = echo.nanos() - sent;
                }
            }
            terminal.type(KILL_LINE);
            terminal.awaitQuiet(200);
            terminal.type("exit\r");
            terminal.awaitClose(30, TimeUnit.SECONDS);
            if (!terminal.status().contains("\"Success\"")) {
                throw new WrongAnswer(name, "sh did not exit with Success but with Status '" + terminal.status() + "'");
            }
            received = terminal.stdoutBytes();
        }
        if (endpoint.viaProxy()) {
            sessions.checkRecorded(name, received, proxied.proxy());
        }
        return new TypingRow(name, Samples.of(nanos));
    }
}
