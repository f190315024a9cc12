package dev.agentguard.operator.egress;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Builds the agentguard-egress NetworkPolicy: egress anywhere except straight to the API server. */
final class EgressPolicies {

    static final String NAME = "agentguard-egress";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String OPERATOR = "agentguard-operator";

    private EgressPolicies() {
    }

    /** The API server's addresses from the EndpointSlices of the kubernetes Service. */
    static SortedSet<String> apiServerIps(Stream<EndpointSlice> slices) {
        SortedSet<String> ips = new TreeSet<>();
        slices.forEach(slice -> {
            if (slice.getEndpoints() == null) {
                return;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                if (endpoint.getAddresses() != null) {
                    ips.addAll(endpoint.getAddresses());
                }
            }
        });
        return ips;
    }

    static NetworkPolicy desired(Namespace namespace, Collection<String> apiServerIps, int proxyPort) {
        List<String> v4 = apiServerIps.stream().filter(ip -> !ip.contains(":")).map(ip -> ip + "/32").toList();
        List<String> v6 = apiServerIps.stream().filter(ip -> ip.contains(":")).map(ip -> ip + "/128").toList();
        NetworkPolicyEgressRule anywhereButApiServer = new NetworkPolicyEgressRuleBuilder()
                .withTo(block("0.0.0.0/0", v4), block("::/0", v6))
                .build();
        // Pods anywhere in the cluster (CNIs such as Cilium do not apply ipBlock to pod IPs).
        NetworkPolicyEgressRule pods = new NetworkPolicyEgressRuleBuilder()
                .withTo(new NetworkPolicyPeerBuilder().withNamespaceSelector(new LabelSelector()).build())
                .build();
        NetworkPolicyEgressRule dns = new NetworkPolicyEgressRuleBuilder()
                .withPorts(port("UDP", 53), port("TCP", 53))
                .build();
        NetworkPolicyBuilder builder = new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(namespace.getMetadata().getName())
                .withLabels(Map.of(MANAGED_BY, OPERATOR))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Namespace")
                        .withName(namespace.getMetadata().getName()).withUid(namespace.getMetadata().getUid())
                        .build())
                .endMetadata()
                .withNewSpec()
                .withPodSelector(new LabelSelector())
                .withPolicyTypes("Egress")
                .addToEgress(anywhereButApiServer, pods, dns)
                .endSpec();
        if (!apiServerIps.isEmpty()) {
            // Where an API server shares a node's IP, that node's proxy must stay reachable.
            List<NetworkPolicyPeer> hosts = Stream.concat(v4.stream(), v6.stream())
                    .map(cidr -> new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build())
                    .toList();
            builder.editSpec().addToEgress(new NetworkPolicyEgressRuleBuilder().withTo(hosts)
                    .withPorts(port("TCP", proxyPort)).build()).endSpec();
        }
        return builder.build();
    }

    private static NetworkPolicyPeer block(String cidr, List<String> except) {
        return new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr)
                .withExcept(except.isEmpty() ? null : except).endIpBlock().build();
    }

    private static NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
    }
}
