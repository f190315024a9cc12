package dev.agentguard.e2e;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.agentguard.testing.chart.RenderedContainer;
import dev.agentguard.testing.apps.PackagedApp;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The kubelet for a helm hook Job's pod. The test control plane has no scheduler, and kwok
 * runs only pods already bound to its node, so the Job's pod would stay Pending and helm
 * would wait for its hook forever. This runs the pod's one container as the local process
 * its image would be: the packaged jar of the module the image is named after, with the
 * rendered {@code args} and environment, authenticated as the pod's ServiceAccount (so it
 * has exactly the hook's RBAC), and then reports its exit the way the kubelet does, in the
 * pod's status, for the Job controller to complete or retry the Job.
 */
final class HookPodRunner {

    /** One run of the hook's container: the pod it stood in for, how the process ended, its output. */
    record Run(Pod pod, String container, int exitCode, String log, Instant startedAt, Instant finishedAt) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final KubeApiServer cluster;
    private final KubernetesClient admin;
    private final String namespace;
    private final String job;

    HookPodRunner(KubeApiServer cluster, String namespace, String job) {
        this.cluster = cluster;
        this.admin = cluster.admin();
        this.namespace = namespace;
        this.job = job;
    }

    /** Waits for the Job's pod, then runs its container to its exit. Reports nothing yet: see {@link #report}. */
    Run run(Path work, Duration timeout) {
        var pods = admin.pods().inNamespace(namespace).withLabel("batch.kubernetes.io/job-name", job);
        await("a pod of Job " + namespace + "/" + job).atMost(timeout).until(() -> !pods.list().getItems().isEmpty());
        Pod pod = pods.list().getItems().get(0);
        List<Container> containers = pod.getSpec().getContainers();
        if (containers.size() != 1 || !pod.getSpec().getInitContainers().isEmpty()) {
            throw new AssertionError("a hook pod with one container is run, got " + pod.getSpec());
        }
        Container container = containers.get(0);
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            throw new AssertionError("the hook replaces its image's entrypoint, which a local jar cannot: "
                    + container.getCommand());
        }
        Path directory = work.resolve(pod.getMetadata().getName());
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // The Job's template, as the chart rendered it: the pod also has the projected token volume
        // the API server added, which the kubeconfig below stands in for.
        PodSpec template = admin.batch().v1().jobs().inNamespace(namespace).withName(job).get().getSpec()
                .getTemplate().getSpec();
        try (RenderedContainer rendered = RenderedContainer.of(admin, template, container.getName(), namespace,
                null, directory.resolve("volumes")).awaitVolumes(timeout)) {
            Map<String, String> environment = new HashMap<>(rendered.environment());
            // Its ServiceAccount's identity, through a 0600 kubeconfig file rather than a logged property.
            environment.putAll(PackagedApp.kubeconfigEnvironment(cluster,
                    cluster.tokenFor(namespace, pod.getSpec().getServiceAccountName()), directory));
            try (PackagedApp app = PackagedApp.start(module(container.getImage()), directory, environment, List.of(),
                    container.getArgs() == null ? List.of() : container.getArgs())) {
                int exitCode = app.awaitExit(timeout);
                return new Run(pod, container.getName(), exitCode, app.log(), startedAt,
                        Instant.now().truncatedTo(ChronoUnit.SECONDS));
            }
        }
    }

    /**
     * As the kubelet does once a container of a restartPolicy Never pod ends: the pod is
     * Succeeded if it exited 0 and Failed otherwise, with the exit code in its container status.
     */
    void report(Run run) {
        var pods = admin.pods().inNamespace(namespace);
        String name = run.pod().getMetadata().getName();
        // Retried on a conflict: the Job controller may update the pod (its tracking finalizer) meanwhile.
        await("the status of hook pod " + name).atMost(Duration.ofSeconds(30))
                .ignoreExceptions().until(() -> {
                    Pod current = pods.withName(name).get();
                    current.setStatus(new PodStatusBuilder(current.getStatus())
                            .withPhase(run.succeeded() ? "Succeeded" : "Failed")
                            .withContainerStatuses().addNewContainerStatus().withName(run.container())
                            .withImage(current.getSpec().getContainers().get(0).getImage()).withImageID("")
                            .withReady(false).withStarted(false).withRestartCount(0).withNewState()
                            .withNewTerminated().withExitCode(run.exitCode())
                            .withReason(run.succeeded() ? "Completed" : "Error")
                            .withStartedAt(run.startedAt().toString()).withFinishedAt(run.finishedAt().toString())
                            .endTerminated().endState().endContainerStatus().build());
                    pods.resource(current).updateStatus();
                    return true;
                });
    }

    /** The module whose packaged jar an agentguard image runs: its repository's last segment, e.g. operator. */
    private static String module(String image) {
        String repository = image.substring(image.lastIndexOf('/') + 1);
        return repository.contains(":") ? repository.substring(0, repository.indexOf(':')) : repository;
    }
}
