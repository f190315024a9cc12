package dev.agentguard.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.agentguard.operator.certificates.CertificatesConfig;
import dev.agentguard.testing.kube.AgentGuardInstall;
import dev.agentguard.testing.kube.KubeApiServer;
import dev.agentguard.testing.kube.RepoFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.smallrye.config.WithDefault;

/**
 * What a cluster admin applies from {@code manifests/}: the real API server accepts every
 * object (server-side dry run: schema, defaults, admission), and the names that tie the parts
 * together agree — the Secrets the workloads mount are the ones the operator issues, the
 * webhook configurations point at a shipped Service port, and every ServiceAccount a
 * workload runs as is shipped with its RBAC.
 */
class ShippedManifestsIT {

    private final KubeApiServer cluster = KubeApiServer.shared();

    @Test
    void theApiServerAcceptsEveryShippedObject() {
        AgentGuardInstall.crds(cluster);
        var result = cluster.kubectl(null, "apply", "--server-side", "--dry-run=server", "--recursive", "-f",
                RepoFiles.find("manifests").toString());
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("deployment.apps/agentguard-operator serverside-applied (server dry run)")
                .contains("daemonset.apps/agentguard-proxy serverside-applied (server dry run)")
                .contains("deployment.apps/agentguard-webhook serverside-applied (server dry run)");
    }

    @Test
    void workloadsMountTheSecretsTheOperatorIssues() throws Exception {
        List<HasMetadata> objects = shipped();
        PodSpec webhook = only(objects, Deployment.class, "agentguard-webhook").getSpec().getTemplate().getSpec();
        PodSpec proxy = only(objects, DaemonSet.class, "agentguard-proxy").getSpec().getTemplate().getSpec();
        assertThat(secretsMounted(webhook)).contains(operatorDefault("webhookSecret"));
        assertThat(secretsMounted(proxy)).contains(operatorDefault("proxySecret"));
    }

    @Test
    void webhookConfigurationsPointAtTheShippedServicePort() throws Exception {
        List<HasMetadata> objects = shipped();
        List<ServiceReference> references = new ArrayList<>();
        of(objects, MutatingWebhookConfiguration.class).forEach(c -> c.getWebhooks()
                .forEach(w -> references.add(w.getClientConfig().getService())));
        of(objects, ValidatingWebhookConfiguration.class).forEach(c -> c.getWebhooks()
                .forEach(w -> references.add(w.getClientConfig().getService())));
        assertThat(references).isNotEmpty().allSatisfy(reference -> {
            assertThat(reference).as("webhooks are reached through their Service, not a URL").isNotNull();
            assertThat(reference.getName()).isEqualTo(operatorDefault("webhookService"));
            Service service = only(objects, Service.class, reference.getName());
            assertThat(service.getMetadata().getNamespace()).isEqualTo(reference.getNamespace());
            assertThat(service.getSpec().getPorts()).anySatisfy(port ->
                    assertThat(port.getPort()).isEqualTo(Objects.requireNonNullElse(reference.getPort(), 443)));
        });
        // The operator keeps the caBundle of exactly these configurations current.
        Stream<String> names = Stream.concat(of(objects, MutatingWebhookConfiguration.class),
                of(objects, ValidatingWebhookConfiguration.class)).map(c -> c.getMetadata().getName());
        assertThat(names).allMatch(List.of(operatorDefault("webhookConfigurations").split(","))::contains);
    }

    @Test
    void everyWorkloadRunsAsAShippedServiceAccount() throws Exception {
        List<HasMetadata> objects = shipped();
        List<String> accounts = of(objects, ServiceAccount.class).map(a -> a.getMetadata().getName()).toList();
        Stream.concat(of(objects, Deployment.class).map(d -> d.getSpec().getTemplate().getSpec()),
                of(objects, DaemonSet.class).map(d -> d.getSpec().getTemplate().getSpec()))
                .forEach(pod -> assertThat(accounts).contains(pod.getServiceAccountName()));
    }

    private List<HasMetadata> shipped() throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(RepoFiles.find("manifests"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    objects.addAll(cluster.admin().load(in).items());
                }
            }
        }
        return objects;
    }

    private static <T extends HasMetadata> Stream<T> of(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast);
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind, String name) {
        List<T> found = of(objects, kind).filter(o -> name.equals(o.getMetadata().getName())).toList();
        assertThat(found).as("%s %s in manifests/", kind.getSimpleName(), name).hasSize(1);
        return found.get(0);
    }

    private static List<String> secretsMounted(PodSpec pod) {
        return pod.getVolumes().stream().map(Volume::getSecret).filter(Objects::nonNull)
                .map(s -> s.getSecretName()).toList();
    }

    /** A documented default of the operator's certificate settings, read from its annotation. */
    private static String operatorDefault(String setting) {
        try {
            return CertificatesConfig.class.getMethod(setting).getAnnotation(WithDefault.class).value();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("CertificatesConfig has no setting " + setting, e);
        }
    }
}
