package dev.agentguard.webhook.injection;

/** Names and paths of what the webhook adds to a pod; the exec-shim reads the same paths. */
public final class PodLayout {

    public static final String SHIM_CONTAINER = "agentguard-shim";

    /** In-memory volume the shim writes the agent's placeholder credentials to. */
    public static final String CREDENTIALS_VOLUME = "agentguard-credentials";
    public static final String CREDENTIALS_DIR = "/var/run/agentguard/credentials";

    /** The node proxy's CA bundle (a ConfigMap), for the shim only. */
    public static final String PROXY_CA_VOLUME = "agentguard-proxy-ca";
    public static final String PROXY_CA_DIR = "/etc/agentguard/proxy-ca";

    /** Writable scratch space for the shim, whose root filesystem is read-only. */
    public static final String SHIM_TMP_VOLUME = "agentguard-shim-tmp";

    /** Where Kubernetes clients look for in-cluster credentials. */
    public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    /** Prefix of the token volume the ServiceAccount admission plugin adds. */
    public static final String TOKEN_VOLUME_PREFIX = "kube-api-access-";

    /** Annotation recording what the webhook did; the only agentguard.dev key a pod may carry. */
    public static final String INJECTED_ANNOTATION = "agentguard.dev/injected";

    private PodLayout() {
    }
}
