package dev.agentguard.testing.kube;

import dev.agentguard.pki.IssuedCertificate;

/** Renders single-context kubeconfigs for the test control plane. */
public final class Kubeconfig {

    private Kubeconfig() {
    }

    /** Embedded client-certificate credentials. */
    static String render(String server, String caPem, IssuedCertificate client) {
        return render(server, caPem, """
                    client-certificate-data: %s
                    client-key-data: %s
                """.formatted(KubeApiServer.base64(client.certificatePem()),
                KubeApiServer.base64(client.privateKeyPem())));
    }

    /**
     * A bearer token, e.g. a ServiceAccount's: how a packaged app the test runs gets its
     * identity (KUBECONFIG), so that the token is never in a property Quarkus may log.
     */
    public static String withToken(String server, String caPem, String token) {
        return render(server, caPem, "    token: " + token + "\n");
    }

    /** @param user the indented lines under {@code user:} */
    private static String render(String server, String caPem, String user) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: agentguard-test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: agentguard-test
                  user:
                %scontexts:
                - name: agentguard-test
                  context:
                    cluster: agentguard-test
                    user: agentguard-test
                current-context: agentguard-test
                """.formatted(server, KubeApiServer.base64(caPem), user);
    }
}
