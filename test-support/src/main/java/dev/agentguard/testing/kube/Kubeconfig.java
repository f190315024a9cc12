package dev.agentguard.testing.kube;

import dev.agentguard.pki.IssuedCertificate;

/** Renders a single-context kubeconfig with embedded client-certificate credentials. */
final class Kubeconfig {

    private Kubeconfig() {
    }

    static String render(String server, String caPem, IssuedCertificate client) {
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
                    client-certificate-data: %s
                    client-key-data: %s
                contexts:
                - name: agentguard-test
                  context:
                    cluster: agentguard-test
                    user: agentguard-test
                current-context: agentguard-test
                """.formatted(server, KubeApiServer.base64(caPem),
                KubeApiServer.base64(client.certificatePem()), KubeApiServer.base64(client.privateKeyPem()));
    }
}
