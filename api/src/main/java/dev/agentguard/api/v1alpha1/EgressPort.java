package dev.agentguard.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A destination port. */
public record EgressPort(
        @Required @Min(1) @Max(65535)
        @JsonPropertyDescription("Port number.")
        Integer port,

        @Default("TCP") @Pattern("^(TCP|UDP|SCTP)$")
        @JsonPropertyDescription("TCP, UDP or SCTP. Default TCP.")
        String protocol) {

    public String protocol() {
        return protocol == null ? "TCP" : protocol;
    }
}
