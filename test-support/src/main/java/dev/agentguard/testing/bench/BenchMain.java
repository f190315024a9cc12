package dev.agentguard.testing.bench;

/**
 * The {@code main} of a benchmark run by {@code exec:java} from {@code hack/bench/}: runs its
 * body and exits with 0, or prints the failure and exits with 1. Exiting is needed both ways:
 * Vert.x, informer and Quarkus client threads would otherwise keep exec:java waiting, and a
 * script must see a wrong answer as a failed run, not as a report.
 *
 * <p>The smoke tests call the benchmark's body directly, never this.
 */
public final class BenchMain {

    /** A benchmark's work; it throws (for instance {@link WrongAnswer}) instead of printing a wrong report. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private BenchMain() {
    }

    public static void run(Body body) {
        int status = 0;
        try {
            body.run();
        } catch (Exception | AssertionError e) {
            System.err.println("benchmark failed: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }
}
