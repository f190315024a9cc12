package dev.agentguard.demo;

import java.io.PrintStream;

/**
 * Prints the demo so a newcomer can follow it: numbered steps, the commands as one would type
 * them, and what came back, indented under them.
 */
public final class Narrator {

    private static final String BOLD = "\033[1m";
    private static final String DIM = "\033[2m";
    private static final String GREEN = "\033[32m";
    private static final String RED = "\033[31m";
    private static final String YELLOW = "\033[33m";
    private static final String RESET = "\033[0m";

    private final PrintStream out;
    private final boolean colour;
    private int step;

    public Narrator(PrintStream out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    /** A new numbered step. */
    public void step(String title) {
        step++;
        out.println();
        out.println(paint(BOLD, "==> " + step + ". " + title));
        out.flush();
    }

    /** A line of explanation under the current step. */
    public void say(String text) {
        out.println("    " + text);
        out.flush();
    }

    /** A command, as its user would type it; {@code who} is the prompt, e.g. agent or alice. */
    public void command(String who, String command) {
        out.println(paint(DIM, "    " + who + "$ ") + command);
        out.flush();
    }

    /** What a command printed, indented. */
    public void output(String text) {
        text.strip().lines().forEach(line -> out.println("      " + line));
        out.flush();
    }

    public void allowed(String text) {
        out.println("    " + paint(GREEN, "✔ " + text));
        out.flush();
    }

    public void refused(String text) {
        out.println("    " + paint(RED, "✘ " + text));
        out.flush();
    }

    public void held(String text) {
        out.println("    " + paint(YELLOW, "⏸ " + text));
        out.flush();
    }

    /** Plain text at the left margin, e.g. the closing summary. */
    public void plain(String text) {
        out.println(text);
        out.flush();
    }

    private String paint(String style, String text) {
        return colour ? style + text + RESET : text;
    }
}
