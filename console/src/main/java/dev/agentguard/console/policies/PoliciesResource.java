package dev.agentguard.console.policies;

import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.agentguard.api.v1alpha1.AgentPolicy;
import dev.agentguard.api.v1alpha1.ClusterAgentPolicy;
import dev.agentguard.api.v1alpha1.PolicyStatus;
import dev.agentguard.console.kube.ApiRefusal;
import dev.agentguard.console.kube.UserClients;
import dev.agentguard.console.web.Viewer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

/** Read-only: each policy the viewer may list, whether the operator has it Ready, and on how many proxies. */
@Path("/policies")
@Blocking
public class PoliciesResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance policies(String user, List<PolicyRow> rows, String error);
    }

    private final UserClients clients;
    private final Viewer viewer;

    public PoliciesResource(UserClients clients, Viewer viewer) {
        this.clients = clients;
        this.viewer = viewer;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page() {
        List<PolicyRow> rows = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (KubernetesClient client = clients.as(viewer.token())) {
            try {
                client.resources(ClusterAgentPolicy.class).list().getItems().forEach(p -> rows.add(
                        row("ClusterAgentPolicy", null, p.getMetadata().getName(), String.valueOf(p.getSpec().getMode()), p.getStatus())));
            } catch (KubernetesClientException e) {
                errors.add("cannot list clusteragentpolicies: " + ApiRefusal.message(e));
            }
            try {
                client.resources(AgentPolicy.class).inAnyNamespace().list().getItems().forEach(p -> rows.add(
                        row("AgentPolicy", p.getMetadata().getNamespace(), p.getMetadata().getName(),
                                String.valueOf(p.getSpec().getMode()), p.getStatus())));
            } catch (KubernetesClientException e) {
                errors.add("cannot list agentpolicies: " + ApiRefusal.message(e));
            }
        }
        return Response.ok(Templates.policies(viewer.name(), rows, errors.isEmpty() ? null : String.join("; ", errors))).build();
    }

    private static PolicyRow row(String kind, String namespace, String name, String mode, PolicyStatus status) {
        Condition ready = status == null || status.getConditions() == null ? null
                : status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
        return new PolicyRow(kind, namespace, name, mode, ready == null ? "Unknown" : ready.getStatus(),
                ready == null ? "NotReconciled" : ready.getReason(), ready == null ? null : ready.getMessage(),
                status == null ? null : status.getProxies());
    }
}
