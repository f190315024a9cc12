package dev.agentguard.operator.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.agentguard.api.AgentGuard;
import dev.agentguard.operator.OperatorTestResource;
import dev.agentguard.testing.kube.KubeApiServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Opted-in namespaces get a NetworkPolicy that keeps agent pods off the API server's own addresses. */
@QuarkusTest
@QuarkusTestResource(value = OperatorTestResource.class, restrictToAnnotatedClass = true)
class EgressLockIT {

    private final KubernetesClient admin = KubeApiServer.shared().admin();

    @Test
    void labelAddsThePolicyAndUnlabelRemovesIt() {
        String namespace = "egress-" + UUID.randomUUID().toString().substring(0, 8);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        // The test control plane runs without an endpoint reconciler: publish the API server's slice as it would.
        List<String> apiServerIps = List.of("10.0.0.10");
        publishApiServer("10.0.0.10");

        // not opted in: nothing
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> policy(namespace) == null);

        admin.namespaces().withName(namespace).edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels(AgentGuard.INJECT_LABEL, AgentGuard.INJECT_ENABLED).endMetadata().build());
        NetworkPolicy policy = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> policy(namespace), p -> p != null);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        NetworkPolicyPeer anywhere = policy.getSpec().getEgress().get(0).getTo().get(0);
        assertThat(anywhere.getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
        assertThat(anywhere.getIpBlock().getExcept())
                .containsExactlyInAnyOrderElementsOf(apiServerIps.stream().filter(ip -> !ip.contains(":"))
                        .map(ip -> ip + "/32").toList());
        assertThat(policy.getSpec().getEgress().get(0).getTo().get(1).getIpBlock().getCidr()).isEqualTo("::/0");
        // the node proxy's port stays open on those addresses
        assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> assertThat(rule.getPorts())
                .anySatisfy(port -> assertThat(port.getPort().getIntVal()).isEqualTo(9443)));
        assertThat(policy.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("Namespace"));

        assertThat(policy.getSpec().getEgress().get(0).getTo().get(1).getIpBlock().getExcept())
                .isNullOrEmpty();

        // the API server moves: the policy follows
        publishApiServer("10.0.0.10", "10.0.0.11");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(policy(namespace).getSpec().getEgress().get(0).getTo().get(0).getIpBlock().getExcept())
                        .containsExactlyInAnyOrder("10.0.0.10/32", "10.0.0.11/32"));

        admin.namespaces().withName(namespace).edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .removeFromLabels(AgentGuard.INJECT_LABEL).endMetadata().build());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> policy(namespace) == null);
        admin.namespaces().withName(namespace).delete();
    }

    @Test
    void anAllowListFromPolicyNarrowsTheNamespaceAndNeverOpensTheApiServer() {
        String namespace = "egress-" + UUID.randomUUID().toString().substring(0, 8);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels(AgentGuard.INJECT_LABEL, AgentGuard.INJECT_ENABLED).endMetadata().build()).create();
        publishApiServer("10.0.0.10");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> isOpen(policy(namespace)));

        // An Audit policy does not narrow anything: NetworkPolicies cannot audit.
        apply(namespace, "audit-only", "Audit", "10.0.0.0/8");
        // The Enforce one does: only DNS, the node proxy and 10.0.0.0/8:443, with the API server excepted.
        apply(namespace, "only-internal", "Enforce", "10.0.0.0/8");
        NetworkPolicy narrowed = Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> policy(namespace), p -> p != null && !isOpen(p));
        var rules = narrowed.getSpec().getEgress();
        assertThat(rules).hasSize(3);
        assertThat(rules.get(1).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9443);
        assertThat(rules.get(2).getTo()).singleElement().satisfies(to -> {
            assertThat(to.getIpBlock().getCidr()).isEqualTo("10.0.0.0/8");
            assertThat(to.getIpBlock().getExcept()).containsExactly("10.0.0.10/32");
        });
        assertThat(rules.get(2).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(443);

        // The API server moves into another allowed range: excepted there too.
        apply(namespace, "only-internal", "Enforce", "10.0.0.0/8", "192.168.0.0/16");
        publishApiServer("192.168.7.7");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(policy(namespace).getSpec()
                .getEgress().get(3).getTo().get(0).getIpBlock().getExcept()).containsExactly("192.168.7.7/32"));

        admin.resources(dev.agentguard.api.v1alpha1.AgentPolicy.class).inNamespace(namespace)
                .withName("only-internal").delete();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> isOpen(policy(namespace)));
        admin.namespaces().withName(namespace).delete();
        publishApiServer("10.0.0.10");
    }

    private void apply(String namespace, String name, String mode, String... cidrs) {
        StringBuilder allow = new StringBuilder();
        for (String cidr : cidrs) {
            allow.append("      - {cidr: ").append(cidr).append(", ports: [{port: 443}]}\n");
        }
        var result = KubeApiServer.shared().kubectl("""
                apiVersion: agentguard.dev/v1alpha1
                kind: AgentPolicy
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  mode: %s
                  egress:
                    allow:
                %s""".formatted(name, namespace, mode, allow), "apply", "-f", "-");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    /** The lock without an allow-list: everything but the API server. */
    private static boolean isOpen(NetworkPolicy policy) {
        return policy != null && policy.getSpec().getEgress().get(0).getTo().stream()
                .anyMatch(to -> to.getIpBlock() != null && "0.0.0.0/0".equals(to.getIpBlock().getCidr())
                        && (policy.getSpec().getEgress().get(0).getPorts() == null
                                || policy.getSpec().getEgress().get(0).getPorts().isEmpty()));
    }

    private void publishApiServer(String... ips) {
        EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withName("kubernetes").withNamespace("default")
                .addToLabels("kubernetes.io/service-name", "kubernetes").endMetadata()
                .withAddressType("IPv4")
                .withEndpoints(new EndpointBuilder().withAddresses(ips).build())
                .withPorts(new EndpointPortBuilder().withName("https").withPort(6443).withProtocol("TCP").build())
                .build();
        admin.resource(slice).forceConflicts().serverSideApply();
    }

    private NetworkPolicy policy(String namespace) {
        return admin.network().v1().networkPolicies().inNamespace(namespace).withName(EgressPolicies.NAME).get();
    }

}
