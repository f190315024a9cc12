package dev.agentguard.api.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExecRequestTest {

    /** The API server's reading (apimachinery's Convert_Slice_string_To_bool), value by value. */
    @ParameterizedTest(name = "tty={0} is {1}")
    @CsvSource(value = {"true,true", "1,true", "TRUE,true", "yes,true", "on,true", "2,true", "'',true",
            "false,false", "FALSE,false", "False,false", "0,false"})
    void readsAFlagAsTheApiServerDoes(String value, boolean expected) {
        assertThat(ExecRequest.flag(Map.of("tty", List.of(value)), "tty")).isEqualTo(expected);
    }

    @Test
    void anAbsentFlagIsFalseAndTheFirstOfRepeatedValuesCounts() {
        assertThat(ExecRequest.flag(Map.of(), "tty")).isFalse();
        assertThat(ExecRequest.flag(Map.of("tty", List.of("yes", "false")), "tty")).isTrue();
        assertThat(ExecRequest.flag(Map.of("tty", List.of("0", "true")), "tty")).isFalse();
    }
}
