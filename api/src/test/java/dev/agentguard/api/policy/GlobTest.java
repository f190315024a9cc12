package dev.agentguard.api.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest
    @CsvSource({"*, anything, true", "*, '', true", "db-*, db-main, true", "db-*, db, false",
            "*-prod, api-prod, true", "*-prod, api-prod-2, false", "a*b*c, aXbYc, true", "a*b*c, aXbY, false",
            "exact, exact, true", "exact, exacT, false", "**, x, true", "a*a, aaa, true", "'', '', true"})
    void matches(String pattern, String value, boolean expected) {
        assertThat(new Glob(pattern).matches(value)).isEqualTo(expected);
    }
}
