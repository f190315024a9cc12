package dev.agentguard.operator.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class ReceiversTest {

    private static Receiver receiver(String name, boolean isDefault) {
        return new Receiver(name, Receiver.Type.json, URI.create("https://hooks.example/" + name), isDefault);
    }

    @Test
    void defaultsPlusThoseThePolicyNamesEachOnce() {
        Receivers receivers = new Receivers(List.of(receiver("ops", true), receiver("teama", false),
                receiver("teamb", false)));
        Receivers.Selection selection = receivers.select(List.of("teama", "ops", "teama"));
        assertThat(selection.receivers()).extracting(Receiver::name).containsExactly("ops", "teama");
        assertThat(selection.unknown()).isEmpty();
        assertThat(receivers.select(null).receivers()).extracting(Receiver::name).containsExactly("ops");
    }

    @Test
    void unknownNamesAreReportedAndTheRestStillSent() {
        Receivers receivers = new Receivers(List.of(receiver("ops", true)));
        Receivers.Selection selection = receivers.select(Arrays.asList("nosuch", null));
        assertThat(selection.receivers()).extracting(Receiver::name).containsExactly("ops");
        assertThat(selection.unknown()).containsExactly("nosuch", "null");
    }

    @Test
    void theUrlIsNeverInToStringNorInErrors() {
        Receiver r = new Receiver("slack", Receiver.Type.slack, URI.create("https://hooks.slack.com/services/T/B/SECRET"),
                false);
        assertThat(r.toString()).doesNotContain("SECRET").doesNotContain("hooks.slack.com");
        assertThatThrownBy(() -> new Receiver("x", Receiver.Type.json, URI.create("file:///SECRET"), false))
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void namesMustSurviveAnEnvironmentVariable() {
        assertThatThrownBy(() -> receiver("team-a", false)).hasMessageContaining("lowercase letters and digits");
        assertThatThrownBy(() -> receiver("Ops", false)).isInstanceOf(IllegalArgumentException.class);
    }

    /** What the chart writes: one receiver as environment variables, read back as one name. */
    @Test
    void receiversFromEnvironmentVariables() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withConverter(Duration.class, 200, new DurationConverter()).withMapping(NotificationsConfig.class)
                .withSources(new EnvConfigSource(Map.of(
                        "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS2_TYPE", "slack",
                        "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS2_URL", "https://hooks.example/x",
                        "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS2_DEFAULT", "true",
                        "AGENTGUARD_OPERATOR_NOTIFICATIONS_CONSOLE_URL", "https://console.example"), 300) {
                })
                .build();
        NotificationsConfig mapped = config.getConfigMapping(NotificationsConfig.class);
        Receivers receivers = Receivers.of(mapped);
        assertThat(receivers.all()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("ops2");
            assertThat(r.type()).isEqualTo(Receiver.Type.slack);
            assertThat(r.isDefault()).isTrue();
            assertThat(r.url()).isEqualTo(URI.create("https://hooks.example/x"));
        });
        assertThat(mapped.consoleUrl()).contains("https://console.example");
        assertThat(mapped.maxAttempts()).isEqualTo(5);
    }

    @Test
    void noReceiversConfiguredIsNone() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withConverter(Duration.class, 200, new DurationConverter()).withMapping(NotificationsConfig.class).build();
        assertThat(Receivers.of(config.getConfigMapping(NotificationsConfig.class)).none()).isTrue();
    }
}
