package dev.agentguard.operator.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.agentguard.api.v1alpha1.EgressPort;
import dev.agentguard.api.v1alpha1.EgressRule;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

class EgressPoliciesTest {

    @Test
    void exceptsEveryApiServerAddressPerFamilyAndKeepsTheProxyPortOpen() {
        var ips = EgressPolicies.apiServerIps(Stream.of(
                new EndpointSliceBuilder().withAddressType("IPv4")
                        .withEndpoints(new EndpointBuilder().withAddresses("10.0.0.2", "10.0.0.1").build()).build(),
                new EndpointSliceBuilder().withAddressType("IPv6")
                        .withEndpoints(new EndpointBuilder().withAddresses("fd00::1").build()).build(),
                new EndpointSliceBuilder().withAddressType("IPv4").build()));
        assertThat(ips).containsExactly("10.0.0.1", "10.0.0.2", "fd00::1");

        NetworkPolicy policy = EgressPolicies.desired(new NamespaceBuilder().withNewMetadata().withName("agents")
                .withUid("u-1").endMetadata().build(), ips, 9443, List.of());

        assertThat(policy.getMetadata().getNamespace()).isEqualTo("agents");
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Egress");
        var anywhere = policy.getSpec().getEgress().get(0).getTo();
        assertThat(anywhere.get(0).getIpBlock().getExcept()).containsExactly("10.0.0.1/32", "10.0.0.2/32");
        assertThat(anywhere.get(1).getIpBlock().getExcept()).containsExactly("fd00::1/128");
        var proxy = policy.getSpec().getEgress().get(3);
        assertThat(proxy.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9443));
        assertThat(proxy.getTo()).extracting(p -> p.getIpBlock().getCidr())
                .containsExactly("10.0.0.1/32", "10.0.0.2/32", "fd00::1/128");
    }

    @Test
    void withoutKnownApiServerAddressesNothingIsExcepted() {
        NetworkPolicy policy = EgressPolicies.desired(new NamespaceBuilder().withNewMetadata().withName("agents")
                .endMetadata().build(), List.of(), 9443, List.of());
        assertThat(policy.getSpec().getEgress()).hasSize(3);
        assertThat(policy.getSpec().getEgress().get(0).getTo().get(0).getIpBlock().getExcept()).isNullOrEmpty();
    }

    @Test
    void anAllowListReplacesTheOpenRulesButNeverOpensTheApiServer() {
        var allow = List.of(
                new EgressRule("10.0.0.0/8", List.of("10.9.0.0/16"), null, null, List.of(new EgressPort(443, null))),
                new EgressRule("10.0.0.1/32", null, null, null, null),
                new EgressRule("2001:db8::/32", null, null, null, null),
                new EgressRule(null, null, new LabelSelectorBuilder().addToMatchLabels("team", "data").build(), null,
                        null));

        NetworkPolicy policy = EgressPolicies.desired(new NamespaceBuilder().withNewMetadata().withName("agents")
                .withUid("u-1").endMetadata().build(), List.of("10.0.0.1", "fd00::1"), 9443, allow);

        var rules = policy.getSpec().getEgress();
        // DNS, the node proxy's port anywhere, then the list; nothing open to 0.0.0.0/0 on every port.
        assertThat(rules).filteredOn(r -> r.getPorts() == null || r.getPorts().isEmpty()).hasSize(2).allSatisfy(r -> assertThat(r.getTo())
                .noneSatisfy(to -> assertThat(to.getIpBlock()).isNotNull()
                        .satisfies(block -> assertThat(block.getCidr()).isIn("0.0.0.0/0", "::/0"))));
        assertThat(rules.get(0).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(53, 53);
        assertThat(rules.get(1).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9443);
        var tenSlashEight = rules.get(2);
        assertThat(tenSlashEight.getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.0.0.0/8");
        assertThat(tenSlashEight.getTo().get(0).getIpBlock().getExcept()).containsExactly("10.9.0.0/16", "10.0.0.1/32");
        assertThat(tenSlashEight.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort().getIntVal()).isEqualTo(443);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        // 10.0.0.1/32 is the API server itself: left out. The IPv6 range does not hold fd00::1.
        assertThat(rules).hasSize(5);
        assertThat(rules.get(3).getTo().get(0).getIpBlock().getCidr()).isEqualTo("2001:db8::/32");
        assertThat(rules.get(3).getTo().get(0).getIpBlock().getExcept()).isNullOrEmpty();
        assertThat(rules.get(4).getTo().get(0).getNamespaceSelector().getMatchLabels()).containsEntry("team", "data");
    }

    @Test
    void ipPrefixesContainOnlyTheirOwnFamilyAndRange() {
        assertThat(IpPrefix.parse("10.0.0.0/8").contains("10.255.1.2")).isTrue();
        assertThat(IpPrefix.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains("192.0.2.1")).isTrue();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains("fd00::1")).isFalse();
        assertThat(IpPrefix.parse("fd00::/8").contains("fd00::1")).isTrue();
        assertThat(IpPrefix.parse("192.0.2.7/32").contains("192.0.2.7")).isTrue();
        assertThat(IpPrefix.parse("192.0.2.7/32").contains("192.0.2.8")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33"))
                .isInstanceOf(IllegalArgumentException.class);
        // A host name is refused, never resolved.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpPrefix.parse("example.com/8"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
