package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/**
 * A fresh or stronger login required to approve (OIDC max_age / acr step-up). Checked by the approvals
 * webhook from the user extra the API server maps from the approver's token ({@code agentguard.dev/auth-time},
 * {@code agentguard.dev/acr}), never from anything a console or client sends.
 */
public record StepUp(
        @Min(1) @Max(86400)
        @JsonPropertyDescription("The approver's login (the token's auth_time) must be at most this many seconds old when approving. Unset = any age.")
        Integer maxAgeSeconds,

        @Size(max = 16)
        @JsonPropertyDescription("The approver's token acr must be one of these. Unset or empty = any acr.")
        List<String> acrValues) {
}
