package dev.agentguard.demo.install;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

import dev.agentguard.demo.Wait;
import dev.agentguard.demo.cluster.DemoCluster;
import dev.agentguard.testing.apps.OperatorProcess;
import dev.agentguard.testing.apps.ProxyProcess;
import dev.agentguard.testing.apps.WebhookProcess;
import dev.agentguard.testing.chart.RenderedContainer;
import dev.agentguard.testing.kube.HostEndpoint;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The chart's operator, webhook and node proxy, run as local processes because their images
 * cannot run here: each with exactly its rendered container's environment and mounted Secrets
 * and ConfigMaps ({@link RenderedContainer}) and its own ServiceAccount's token, so it has the
 * chart's RBAC and nothing more. The API server reaches the webhook through the chart's Service,
 * whose endpoint is this host.
 */
public final class Components implements AutoCloseable {

    private static final String WEBHOOK = "agentguard-webhook";
    private static final String SLICE = WEBHOOK + "-demo";

    private final DemoCluster cluster;
    private final String namespace;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private OperatorProcess operator;
    private WebhookProcess webhook;
    private ProxyProcess proxy;

    private Components(DemoCluster cluster, String namespace) {
        this.cluster = cluster;
        this.namespace = namespace;
    }

    /** Starts all three and waits until admission works and the proxy has its policies. */
    public static Components start(DemoCluster cluster, String namespace, Path work, Duration wait) {
        Components components = new Components(cluster, namespace);
        try {
            components.startAll(work, wait);
            return components;
        } catch (RuntimeException e) {
            components.close();
            throw e;
        }
    }

    private void startAll(Path work, Duration wait) {
        KubernetesClient admin = cluster.admin();
        PodSpec operatorPod = admin.apps().deployments().inNamespace(namespace).withName("agentguard-operator")
                .get().getSpec().getTemplate().getSpec();
        PodSpec webhookPod = admin.apps().deployments().inNamespace(namespace).withName(WEBHOOK).get().getSpec()
                .getTemplate().getSpec();
        PodSpec proxyPod = admin.apps().daemonSets().inNamespace(namespace).withName("agentguard-proxy").get()
                .getSpec().getTemplate().getSpec();

        RenderedContainer operatorContainer = keep(rendered(operatorPod, "operator", work));
        operator = keep(OperatorProcess.start(cluster, token(operatorPod), operatorContainer.environment()));
        // The operator issues the webhook's and the proxy's serving certificates into the Secrets they mount.
        RenderedContainer webhookContainer = keep(rendered(webhookPod, "webhook", work)).awaitVolumes(wait);
        webhook = keep(WebhookProcess.start(cluster, token(webhookPod), webhookContainer.environment()));
        HostEndpoint.expose(admin, namespace, WEBHOOK, SLICE, "https", webhook.port());
        started.push(() -> admin.discovery().v1().endpointSlices().inNamespace(namespace).withName(SLICE).delete());
        RenderedContainer proxyContainer = keep(rendered(proxyPod, "proxy", work)).awaitVolumes(wait);
        proxy = keep(ProxyProcess.start(cluster, token(proxyPod), proxyContainer.environment(), null, List.of()));
        awaitCaBundles(wait);
        proxy.awaitReady(wait);
    }

    public OperatorProcess operator() {
        return operator;
    }

    public WebhookProcess webhook() {
        return webhook;
    }

    public ProxyProcess proxy() {
        return proxy;
    }

    public List<Long> pids() {
        List<Long> pids = new java.util.ArrayList<>();
        if (operator != null) {
            pids.add(operator.app().pid());
        }
        if (webhook != null) {
            pids.add(webhook.app().pid());
        }
        if (proxy != null) {
            pids.add(proxy.app().pid());
        }
        return pids;
    }

    /**
     * Deletes the webhook configurations while the webhook still runs, as the chart's
     * pre-delete hook does, so that nothing is left failing closed once it stops.
     */
    public void removeWebhookConfigurations() {
        var v1 = cluster.admin().admissionRegistration().v1();
        v1.mutatingWebhookConfigurations().withName(WEBHOOK).delete();
        v1.mutatingWebhookConfigurations().withName("agentguard-approvals").delete();
        v1.validatingWebhookConfigurations().withName(WEBHOOK).delete();
    }

    /** Stops the processes in reverse start order. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("demo: stopping a component: " + e.getMessage());
            }
        }
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        started.push(closeable);
        return closeable;
    }

    private RenderedContainer rendered(PodSpec pod, String container, Path work) {
        return RenderedContainer.of(cluster.admin(), pod, container, namespace, cluster.node(),
                work.resolve(container));
    }

    private String token(PodSpec pod) {
        return cluster.tokenFor(namespace, pod.getServiceAccountName());
    }

    private void awaitCaBundles(Duration wait) {
        Wait.until("the operator fills in every webhook's caBundle", wait, () -> {
            var v1 = cluster.admin().admissionRegistration().v1();
            return Stream.concat(
                    Stream.of(v1.mutatingWebhookConfigurations().withName(WEBHOOK).get(),
                            v1.mutatingWebhookConfigurations().withName("agentguard-approvals").get())
                            .flatMap(c -> c.getWebhooks().stream()).map(w -> w.getClientConfig().getCaBundle()),
                    v1.validatingWebhookConfigurations().withName(WEBHOOK).get().getWebhooks().stream()
                            .map(w -> w.getClientConfig().getCaBundle()))
                    .allMatch(ca -> ca != null && !ca.isEmpty());
        });
    }
}
