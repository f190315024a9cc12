package dev.agentguard.kubectl.approvals;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.api.v1alpha1.ApprovalPhase;
import dev.agentguard.api.v1alpha1.ApprovalRequest;
import dev.agentguard.kubectl.ClusterOptions;
import dev.agentguard.kubectl.ExitCodes;
import dev.agentguard.kubectl.output.Table;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.Resource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The requests agents are held on, pending ones first and by default only those. */
@Command(name = "approvals", description = "List ApprovalRequests: pending ones by default.")
public final class ApprovalsCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = {"-A", "--all"}, description = "Decided and expired requests too, not only pending ones.")
    boolean all;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "Only requests of agents in this namespace.")
    String agentNamespace;

    @Option(names = {"-w", "--watch"}, description = "After listing, print each request as it arrives or changes.")
    boolean watch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (KubernetesClient client = cluster.client()) {
            var requests = requests(client);
            Instant now = Instant.now();
            List<ApprovalRequest> shown = requests.list().getItems().stream().filter(this::shown)
                    .sorted(Comparator.comparing((ApprovalRequest r) -> ApprovalRows.phase(r) != ApprovalPhase.Pending)
                            .thenComparing(r -> r.getMetadata().getCreationTimestamp()))
                    .toList();
            Table table = new Table(ApprovalRows.HEADERS);
            shown.forEach(r -> table.row(ApprovalRows.cells(r, now).toArray(String[]::new)));
            if (table.isEmpty() && !watch) {
                out.println(all ? "No ApprovalRequests in " + cluster.systemNamespace() + "."
                        : "No pending ApprovalRequests in " + cluster.systemNamespace() + ".");
            } else if (!table.isEmpty()) {
                table.print(out);
            }
            if (watch) {
                if (table.isEmpty()) {
                    out.println(Table.line(List.of(ApprovalRows.HEADERS), ApprovalRows.WIDTHS));
                    out.flush();
                }
                watch(requests, out);
            }
        }
        return ExitCodes.OK;
    }

    private FilterWatchListDeletable<ApprovalRequest, KubernetesResourceList<ApprovalRequest>, Resource<ApprovalRequest>>
            requests(KubernetesClient client) {
        var inNamespace = client.resources(ApprovalRequest.class).inNamespace(cluster.systemNamespace());
        return agentNamespace == null ? inNamespace
                : inNamespace.withLabel(AgentGuard.GROUP + "/agent-namespace", agentNamespace);
    }

    private boolean shown(ApprovalRequest request) {
        return all || ApprovalRows.phase(request) == ApprovalPhase.Pending;
    }

    /** Until interrupted (Ctrl-C) or the watch ends: one line per added or changed request. */
    private void watch(FilterWatchListDeletable<ApprovalRequest, KubernetesResourceList<ApprovalRequest>,
            Resource<ApprovalRequest>> requests, PrintWriter out) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        try (var ignored = requests.watch(new Watcher<ApprovalRequest>() {
            @Override
            public void eventReceived(Action action, ApprovalRequest request) {
                if (action == Action.ADDED || action == Action.MODIFIED) {
                    synchronized (out) {
                        out.println(Table.line(ApprovalRows.cells(request, Instant.now()), ApprovalRows.WIDTHS));
                        out.flush();
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                closed.countDown();
            }
        })) {
            closed.await();
        }
    }
}
