package dev.agentguard.testing.kube;

/** The test control plane could not be built or started; the message says why and where the logs are. */
public final class KubeStartException extends RuntimeException {

    public KubeStartException(String message) {
        super(message);
    }

    public KubeStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
