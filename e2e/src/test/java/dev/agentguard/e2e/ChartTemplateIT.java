package dev.agentguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import dev.agentguard.testing.chart.Helm;

/** What the templates render, beyond what the API server checks at install. */
class ChartTemplateIT {

    private final Helm helm = Helm.offline();
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    /**
     * In another release namespace, no object still names agentguard-system: the workloads,
     * RBAC subjects, webhook Services and the components' namespace settings all follow it;
     * nor does any comment in the rendered YAML, which would mislead whoever reads it.
     */
    @Test
    void everyReferenceToTheNamespaceFollowsTheReleaseNamespace() {
        assertThat(helm.ok(args("--namespace", "other-ns"))).doesNotContain("agentguard-system");
        List<HasMetadata> objects = render("--namespace", "other-ns");
        assertThat(objects).isNotEmpty().allSatisfy(object -> assertThat(serialization.asYaml(object))
                .as("%s %s", object.getKind(), object.getMetadata().getName()).doesNotContain("agentguard-system"));
        assertThat(objects).filteredOn(o -> o.getMetadata().getNamespace() != null).isNotEmpty()
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as("%s %s", o.getKind(),
                        o.getMetadata().getName()).isEqualTo("other-ns"));
    }

    /**
     * Each component learns the control plane's namespace from one setting, its pod's own
     * namespace through the downward API, and from nothing else: no env value names a
     * namespace that could disagree with it (the proxies' Service name and every other
     * namespace setting default to it in the components).
     */
    @Test
    void eachComponentsSystemNamespaceIsItsPodsNamespace() {
        List<HasMetadata> objects = render("--namespace", "other-ns");
        Map<String, String> components = Map.of("agentguard-operator", "operator", "agentguard-proxy", "proxy",
                "agentguard-webhook", "webhook");
        components.forEach((workload, container) -> {
            Container rendered = objects.stream().filter(o -> o.getMetadata().getName().equals(workload))
                    .flatMap(ChartTemplateIT::podSpec).flatMap(pod -> pod.getContainers().stream())
                    .filter(c -> c.getName().equals(container)).findFirst()
                    .orElseThrow(() -> new AssertionError("no container " + container + " in " + workload));
            String name = "AGENTGUARD_" + container.toUpperCase(Locale.ROOT) + "_SYSTEM_NAMESPACE";
            assertThat(rendered.getEnv()).as(workload).filteredOn(e -> e.getName().equals(name)).singleElement()
                    .satisfies(e -> {
                        assertThat(e.getValue()).isNull();
                        assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
                    });
            assertThat(rendered.getEnv()).as(workload).filteredOn(e -> e.getValue() != null)
                    .allSatisfy(e -> assertThat(e.getValue()).as(e.getName()).doesNotContain("other-ns"));
        });
    }

    /** The invariants the values cannot change, on every container of every workload, with defaults and custom values. */
    @Test
    void everyContainerRunsHardened() {
        Stream.of(render(), render("-f", Helm.chart().resolve("ci/custom-values.yaml").toString()))
                .flatMap(List::stream).flatMap(ChartTemplateIT::podSpec).forEach(pod -> {
                    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
                    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                    Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                            .forEach(ChartTemplateIT::hardened);
                });
    }

    /**
     * The pre-delete hook deletes exactly the webhook configurations the chart installs, and
     * its ClusterRole allows nothing but getting and deleting those.
     */
    @Test
    void theUninstallHookRemovesExactlyTheChartsWebhookConfigurations() {
        List<HasMetadata> objects = render();
        List<String> configurations = objects.stream()
                .filter(o -> o.getKind().endsWith("WebhookConfiguration")).map(o -> o.getMetadata().getName())
                .distinct().toList();
        Job hook = objects.stream().filter(Job.class::isInstance).map(Job.class::cast).findFirst().orElseThrow();
        assertThat(hook.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "pre-delete");
        List<String> args = hook.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertThat(args.get(0)).isEqualTo("remove-webhook-configurations");
        assertThat(args.subList(1, args.size())).containsExactlyInAnyOrderElementsOf(configurations);
        ClusterRole role = objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                .filter(r -> r.getMetadata().getName().equals("agentguard-uninstall")).findFirst().orElseThrow();
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "delete");
            assertThat(rule.getResourceNames()).containsExactlyInAnyOrderElementsOf(configurations);
        });
        assertThat(render("--set", "webhook.removeOnUninstall=false")).noneMatch(Job.class::isInstance);
    }

    /** The approver ClusterRole is always there to bind; approvers.groups binds it in the release namespace only. */
    @Test
    void approverGroupsAreBoundOnlyInTheReleaseNamespace() {
        assertThat(render()).noneMatch(o -> o.getMetadata().getName().equals("agentguard-approvers"))
                .anyMatch(o -> o instanceof ClusterRole && o.getMetadata().getName().equals("agentguard-approver"));
        RoleBinding binding = render("--namespace", "other-ns", "--set", "approvers.groups={oidc:sre,oidc:leads}")
                .stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
                .filter(b -> b.getMetadata().getName().equals("agentguard-approvers")).findFirst().orElseThrow();
        assertThat(binding.getMetadata().getNamespace()).isEqualTo("other-ns");
        assertThat(binding.getRoleRef().getName()).isEqualTo("agentguard-approver");
        assertThat(binding.getSubjects()).extracting(s -> s.getKind() + "/" + s.getName())
                .containsExactly("Group/oidc:sre", "Group/oidc:leads");
    }

    /**
     * Notification receivers reach the operator as its config's environment variables, the URL
     * (a credential) only through a secretKeyRef; without receivers or a console URL, none is set.
     */
    @Test
    void notificationReceiversAreOperatorEnvWithTheUrlFromTheirSecret() {
        assertThat(operator(render()).getEnv()).noneMatch(e -> e.getName().contains("NOTIFICATIONS"));

        Container operator = operator(render("--set", "notifications.consoleUrl=https://agentguard.example.com",
                "--set-json", "notifications.receivers=[{\"name\":\"ops\",\"type\":\"slack\",\"default\":true,"
                        + "\"urlSecret\":{\"name\":\"agentguard-slack\",\"key\":\"url\"}},"
                        + "{\"name\":\"audit\",\"type\":\"json\",\"urlSecret\":{\"name\":\"hooks\",\"key\":\"audit\"}}]"));
        Map<String, io.fabric8.kubernetes.api.model.EnvVar> env = operator.getEnv().stream()
                .filter(e -> e.getName().contains("NOTIFICATIONS"))
                .collect(java.util.stream.Collectors.toMap(e -> e.getName(), e -> e));
        assertThat(env).containsOnlyKeys("AGENTGUARD_OPERATOR_NOTIFICATIONS_CONSOLE_URL",
                "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS_TYPE",
                "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS_DEFAULT",
                "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS_URL",
                "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_AUDIT_TYPE",
                "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_AUDIT_DEFAULT",
                "AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_AUDIT_URL");
        assertThat(env.get("AGENTGUARD_OPERATOR_NOTIFICATIONS_CONSOLE_URL").getValue())
                .isEqualTo("https://agentguard.example.com");
        assertThat(env.get("AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS_TYPE").getValue()).isEqualTo("slack");
        assertThat(env.get("AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS_DEFAULT").getValue()).isEqualTo("true");
        assertThat(env.get("AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_AUDIT_DEFAULT").getValue()).isEqualTo("false");
        var url = env.get("AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_OPS_URL");
        assertThat(url.getValue()).isNull();
        assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("agentguard-slack");
        assertThat(url.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
        assertThat(env.get("AGENTGUARD_OPERATOR_NOTIFICATIONS_RECEIVERS_AUDIT_URL").getValueFrom().getSecretKeyRef()
                .getKey()).isEqualTo("audit");
    }

    private static Container operator(List<HasMetadata> objects) {
        return objects.stream().filter(o -> o.getMetadata().getName().equals("agentguard-operator"))
                .flatMap(ChartTemplateIT::podSpec).flatMap(pod -> pod.getContainers().stream())
                .filter(c -> c.getName().equals("operator")).findFirst().orElseThrow();
    }

    private static void hardened(Container container) {
        var context = container.getSecurityContext();
        assertThat(context.getAllowPrivilegeEscalation()).as(container.getName()).isFalse();
        assertThat(context.getReadOnlyRootFilesystem()).as(container.getName()).isTrue();
        assertThat(context.getCapabilities().getDrop()).as(container.getName()).containsExactly("ALL");
        assertThat(container.getResources().getRequests()).as(container.getName()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).as(container.getName()).containsKey("memory");
    }

    private static Stream<PodSpec> podSpec(HasMetadata object) {
        if (object instanceof Deployment deployment) {
            return Stream.of(deployment.getSpec().getTemplate().getSpec());
        }
        if (object instanceof DaemonSet daemonSet) {
            return Stream.of(daemonSet.getSpec().getTemplate().getSpec());
        }
        if (object instanceof Job job) {
            return Stream.of(job.getSpec().getTemplate().getSpec());
        }
        return Stream.empty();
    }

    private List<HasMetadata> render(String... options) {
        String yaml = helm.ok(args(options));
        // Several documents unmarshal to a list of the typed objects.
        return serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String[] args(String... options) {
        return Stream.concat(Stream.of("template", "agentguard", Helm.chart().toString()), Stream.of(options))
                .toArray(String[]::new);
    }
}
