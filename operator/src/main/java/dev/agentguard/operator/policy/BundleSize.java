package dev.agentguard.operator.policy;

import java.util.Map;

/**
 * How large a ConfigMap's data is, counted as the API server counts it
 * against its limit ({@code ValidateConfigMap} in
 * k8s.io/kubernetes/pkg/apis/core/validation): the UTF-8 bytes of every value.
 * Keys, metadata and the JSON around them do not count. Counting the same way
 * lets the operator refuse exactly what the API server would refuse, with no
 * guessed headroom.
 */
record BundleSize(long bytes, long limit) {

    /** {@code core.MaxSecretSize}, which ConfigMaps share: 1 MiB of values. */
    static final long CONFIGMAP_LIMIT = 1024 * 1024;

    static BundleSize of(Map<String, String> data) {
        long bytes = 0;
        for (String value : data.values()) {
            bytes += utf8Length(value);
        }
        return new BundleSize(bytes, CONFIGMAP_LIMIT);
    }

    boolean fits() {
        return bytes <= limit;
    }

    /**
     * The value's length in UTF-8 without encoding a copy of it (bundles run to
     * a megabyte and are measured on every publish). A lone surrogate, which
     * text read from the API server never holds, counts 3 bytes: never less
     * than an encoder makes of it.
     */
    static long utf8Length(String value) {
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
