package dev.agentguard.testing.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The shipped approvals and validating webhook configurations ({@code manifests/webhook/}),
 * registered with a test control plane by URL instead of through the webhook's Service: for a
 * webhook running as a local process, so that deciding an ApprovalRequest and applying a policy
 * go through it exactly as in a cluster. The pod-injecting webhook is not registered.
 */
public final class ApprovalWebhooks implements AutoCloseable {

    private static final String VALIDATING = "agentguard-webhook";
    private static final String APPROVALS = "agentguard-approvals";

    private final KubernetesClient admin;

    private ApprovalWebhooks(KubernetesClient admin) {
        this.admin = admin;
    }

    /** @param baseUrl the webhook's HTTPS address, e.g. https://127.0.0.1:8443; {@code caPem} its serving CA */
    public static ApprovalWebhooks register(KubeCluster cluster, String baseUrl, String caPem) {
        KubernetesClient admin = cluster.admin();
        String caBundle = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
        ValidatingWebhookConfiguration validating = shipped(admin, "validatingwebhookconfiguration.yaml",
                ValidatingWebhookConfiguration.class);
        validating.getWebhooks().forEach(w -> w.setClientConfig(new WebhookClientConfigBuilder()
                .withUrl(baseUrl + w.getClientConfig().getService().getPath()).withCaBundle(caBundle).build()));
        admin.resource(validating).serverSideApply();
        MutatingWebhookConfiguration approvals = shipped(admin, "approvals-mutatingwebhookconfiguration.yaml",
                MutatingWebhookConfiguration.class);
        approvals.getWebhooks().forEach(w -> w.setClientConfig(new WebhookClientConfigBuilder()
                .withUrl(baseUrl + w.getClientConfig().getService().getPath()).withCaBundle(caBundle).build()));
        admin.resource(approvals).serverSideApply();
        return new ApprovalWebhooks(admin);
    }

    /** Removes both, so nothing fails closed once the webhook stops. */
    @Override
    public void close() {
        admin.admissionRegistration().v1().validatingWebhookConfigurations().withName(VALIDATING).delete();
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(APPROVALS).delete();
    }

    private static <T> T shipped(KubernetesClient admin, String file, Class<T> type) {
        try (InputStream in = Files.newInputStream(RepoFiles.find("manifests/webhook/" + file))) {
            return admin.getKubernetesSerialization().unmarshal(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
