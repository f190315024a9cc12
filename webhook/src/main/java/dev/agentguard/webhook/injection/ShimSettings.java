package dev.agentguard.webhook.injection;

/** The settings the injected pod spec is built from; a value copy of {@link InjectionConfig}. */
public record ShimSettings(String image, String imagePullPolicy, int port, int healthPort, int proxyPort,
        String proxyCaConfigMap, String proxyServerName, String jvmOptions, String cpuRequest, String memoryRequest, String memoryLimit) {

    public static ShimSettings from(InjectionConfig config) {
        return new ShimSettings(config.shim().image(), config.shim().imagePullPolicy(), config.shim().port(),
                config.shim().healthPort(), config.proxy().port(), config.proxy().caConfigMap(), config.proxy().serverName(),
                config.shim().jvmOptions(),
                config.shim().cpuRequest(), config.shim().memoryRequest(), config.shim().memoryLimit());
    }
}
