package dev.agentguard.relay.tls;

import org.jboss.logging.Logger;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * Which TLS implementation a listener or client of the data path uses. OpenSSL is Netty's
 * BoringSSL build (netty-tcnative), loaded from the jar of a module that ships it; the JDK's
 * is always there. Both speak the same protocols and verify peers the same way: the choice
 * is one of CPU per byte, not of what is accepted.
 */
public enum TlsEngine {

    /** OpenSSL when its native library loads on this node, the JDK's otherwise (logged once at start). */
    AUTO,
    /** OpenSSL or nothing: start-up fails when the native library cannot be loaded. */
    OPENSSL,
    /** The JDK's SSLEngine. */
    JDK;

    private static final Logger LOG = Logger.getLogger(TlsEngine.class);

    /**
     * The engine options for {@code component}'s TLS (the name is only for the log and errors).
     *
     * @throws IllegalStateException for {@link #OPENSSL} when the native library cannot be loaded
     */
    public SSLEngineOptions options(String component) {
        return switch (this) {
            case JDK -> new JdkSSLEngineOptions();
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException(component + ": TLS engine OPENSSL was asked for, but OpenSSL"
                            + " cannot be loaded here (" + OpenSsl.unavailabilityCause() + "); use AUTO or JDK");
                }
                yield new OpenSSLEngineOptions();
            }
            case AUTO -> {
                if (OpenSsl.isAvailable()) {
                    yield new OpenSSLEngineOptions();
                }
                LOG.warnf("%s: OpenSSL cannot be loaded here (%s); TLS uses the JDK's engine, which costs more CPU"
                        + " per request", component, OpenSsl.unavailabilityCause());
                yield new JdkSSLEngineOptions();
            }
        };
    }

    /** The name of what {@link #options} returns, for the start-up log. */
    public static String describe(SSLEngineOptions options) {
        return options instanceof OpenSSLEngineOptions ? "OpenSSL " + OpenSsl.versionString() : "JDK";
    }
}
