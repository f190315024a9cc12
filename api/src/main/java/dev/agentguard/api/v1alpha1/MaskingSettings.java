package dev.agentguard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What the proxy masks beyond Secrets (whose values are always masked): ConfigMap
 * keys and container env values by name, and patterns in logs and exec output.
 */
public record MaskingSettings(
        @JsonPropertyDescription("ConfigMap data keys whose values are masked; globs with '*', e.g. '*password*'.")
        List<String> configMapKeys,

        @JsonPropertyDescription("Container env var names whose literal values are masked in pod specs; globs with '*'.")
        List<String> envNames,

        @JsonPropertyDescription("Extra regular expressions (Java syntax) masked in pod logs and exec output.")
        List<String> patterns) {
}
