package dev.agentguard.operator.egress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import dev.agentguard.api.v1alpha1.EgressRule;
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

/**
 * Builds the agentguard-egress NetworkPolicy: egress anywhere except straight to the API
 * server, or, with an allow-list from policy, only DNS, the node proxy and the list.
 */
final class EgressPolicies {

    static final String NAME = "agentguard-egress";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String OPERATOR = "agentguard-operator";

    private static final Logger LOG = Logger.getLogger(EgressPolicies.class);

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

    /**
     * @param allowList the union of the namespace's Enforce allow-lists; empty leaves the lock open
     *                  (anywhere except the API server), otherwise only DNS, the node proxy and these
     */
    static NetworkPolicy desired(Namespace namespace, Collection<String> apiServerIps, int proxyPort,
            List<EgressRule> allowList) {
        List<String> v4 = apiServerIps.stream().filter(ip -> !ip.contains(":")).map(ip -> ip + "/32").toList();
        List<String> v6 = apiServerIps.stream().filter(ip -> ip.contains(":")).map(ip -> ip + "/128").toList();
        NetworkPolicyEgressRule dns = new NetworkPolicyEgressRuleBuilder()
                .withPorts(port("UDP", 53), port("TCP", 53))
                .build();
        List<NetworkPolicyEgressRule> rules = new ArrayList<>();
        if (allowList.isEmpty()) {
            rules.add(new NetworkPolicyEgressRuleBuilder().withTo(block("0.0.0.0/0", v4), block("::/0", v6)).build());
            // Pods anywhere in the cluster (CNIs such as Cilium do not apply ipBlock to pod IPs).
            rules.add(new NetworkPolicyEgressRuleBuilder()
                    .withTo(new NetworkPolicyPeerBuilder().withNamespaceSelector(new LabelSelector()).build())
                    .build());
            rules.add(dns);
            if (!apiServerIps.isEmpty()) {
                // Where an API server shares a node's IP, that node's proxy must stay reachable.
                List<NetworkPolicyPeer> hosts = Stream.concat(v4.stream(), v6.stream())
                        .map(cidr -> new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock()
                                .build())
                        .toList();
                rules.add(new NetworkPolicyEgressRuleBuilder().withTo(hosts).withPorts(port("TCP", proxyPort))
                        .build());
            }
        } else {
            rules.add(dns);
            // The node proxy listens on every node's IP; node IPs are not known here, so its port is open.
            rules.add(new NetworkPolicyEgressRuleBuilder().withTo(block("0.0.0.0/0", List.of()), block("::/0", List.of()))
                    .withPorts(port("TCP", proxyPort)).build());
            for (EgressRule allowed : allowList) {
                toRule(allowed, apiServerIps).ifPresent(rules::add);
            }
        }
        return new NetworkPolicyBuilder()
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
                .withEgress(rules)
                .endSpec()
                .build();
    }

    /**
     * One allow-list entry as a rule. The API server's addresses inside a cidr are added to its
     * except list; an entry that is nothing but an API server address is left out.
     */
    static Optional<NetworkPolicyEgressRule> toRule(EgressRule allowed, Collection<String> apiServerIps) {
        NetworkPolicyPeer peer;
        if (allowed.cidr() != null) {
            IpPrefix prefix;
            try {
                prefix = IpPrefix.parse(allowed.cidr());
            } catch (IllegalArgumentException e) {
                // The CRD's CEL rules refuse this; only a policy stored before them gets here.
                LOG.warnf("egress allow-list entry left out: %s", e.getMessage());
                return Optional.empty();
            }
            Set<String> except = new LinkedHashSet<>(allowed.except());
            for (String ip : apiServerIps) {
                if (prefix.contains(ip)) {
                    if (prefix.length() == prefix.network().length * 8) {
                        return Optional.empty();
                    }
                    except.add(ip + (ip.contains(":") ? "/128" : "/32"));
                }
            }
            peer = block(allowed.cidr(), List.copyOf(except));
        } else {
            peer = new NetworkPolicyPeerBuilder().withNamespaceSelector(allowed.namespaceSelector())
                    .withPodSelector(allowed.podSelector()).build();
        }
        List<NetworkPolicyPort> ports = allowed.ports().stream().map(p -> port(p.protocol(), p.port())).toList();
        return Optional.of(new NetworkPolicyEgressRuleBuilder().withTo(peer)
                .withPorts(ports.isEmpty() ? null : ports).build());
    }

    private static NetworkPolicyPeer block(String cidr, List<String> except) {
        return new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr)
                .withExcept(except.isEmpty() ? null : except).endIpBlock().build();
    }

    private static NetworkPolicyPort port(String protocol, int port) {
        return new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(new IntOrString(port)).build();
    }
}
