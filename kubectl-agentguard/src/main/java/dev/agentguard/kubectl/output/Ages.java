package dev.agentguard.kubectl.output;

import java.time.Duration;
import java.time.Instant;

/** Durations as kubectl shows ages: 42s, 5m10s, 3h4m, 2d3h. */
public final class Ages {

    private Ages() {
    }

    public static String since(String timestamp, Instant now) {
        if (timestamp == null || timestamp.isBlank()) {
            return "";
        }
        return of(Duration.between(Instant.parse(timestamp), now));
    }

    public static String of(Duration duration) {
        long s = Math.max(0, duration.toSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        if (s < 86400) {
            return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
        }
        return (s / 86400) + "d" + ((s % 86400) / 3600 == 0 ? "" : ((s % 86400) / 3600) + "h");
    }
}
