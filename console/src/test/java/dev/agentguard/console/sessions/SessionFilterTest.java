package dev.agentguard.console.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class SessionFilterTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void sinceTakesMinutesHoursAndDays() {
        assertThat(filter("30m").earliest(NOW)).isEqualTo(Instant.parse("2026-12-02T11:30:00Z"));
        assertThat(filter("24h").earliest(NOW)).isEqualTo(Instant.parse("2026-12-01T12:00:00Z"));
        assertThat(filter("7d").earliest(NOW)).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
        assertThat(filter(" ").earliest(NOW)).isNull();
    }

    @Test
    void aSinceThatIsNotADurationIsRefusedWithWhatIsExpected() {
        assertThatThrownBy(() -> filter("yesterday").earliest(NOW))
                .hasMessage("since: 'yesterday' is not a duration like 30m, 24h or 7d");
        assertThatThrownBy(() -> filter("xd").earliest(NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    private static SessionFilter filter(String since) {
        return new SessionFilter(null, null, false, false, since, null);
    }
}
