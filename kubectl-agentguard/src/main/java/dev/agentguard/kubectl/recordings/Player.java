package dev.agentguard.kubectl.recordings;

import dev.agentguard.recordings.Asciicast;
import dev.agentguard.recordings.ControlSequences;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;

/**
 * Plays a recording: output events ({@code o}) in order, waiting the recorded
 * gap between them divided by the speed and capped at the idle limit (so a
 * session left open for an hour replays in seconds). Speed 0, or a stdout that
 * is not a terminal, prints at once. Input events ({@code i}) are left out by
 * default (a terminal's echo already put them in the output); shown, they are
 * marked and made visible. Resizes ({@code r}) are noted on stderr, since a
 * replay cannot resize the viewer's terminal.
 */
final class Player {

    record Options(double speed, double maxIdleSeconds, boolean showInput, boolean terminal) {
    }

    private final Options options;
    private final PrintWriter out;
    private final PrintWriter err;
    private double last;

    Player(Options options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    void play(InputStream recording) throws IOException {
        Asciicast.read(recording, event -> {
            waitFor(event.time());
            switch (event.code()) {
                case "o" -> out.print(options.terminal() ? ControlSequences.forTerminal(event.data())
                        : ControlSequences.plain(event.data()));
                case "i" -> {
                    if (options.showInput()) {
                        out.print("[input: " + ControlSequences.visible(event.data()) + "]");
                    }
                }
                case "r" -> {
                    out.flush();
                    err.println("[recording resized to " + ControlSequences.visible(event.data()) + "]");
                }
                default -> {
                    // Markers and future event codes carry nothing to show.
                }
            }
            out.flush();
        });
        out.flush();
    }

    private void waitFor(double time) {
        double gap = Math.max(0, Math.min(time - last, options.maxIdleSeconds()));
        last = time;
        if (!options.terminal() || options.speed() <= 0 || gap == 0) {
            return;
        }
        try {
            // Pacing the replay for a person watching: the recorded timing is the point.
            Thread.sleep((long) (gap / options.speed() * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
