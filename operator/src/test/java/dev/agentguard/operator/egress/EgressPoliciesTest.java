package dev.agentguard.operator.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

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
                .withUid("u-1").endMetadata().build(), ips, 9443);

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
                .endMetadata().build(), List.of(), 9443);
        assertThat(policy.getSpec().getEgress()).hasSize(3);
        assertThat(policy.getSpec().getEgress().get(0).getTo().get(0).getIpBlock().getExcept()).isNullOrEmpty();
    }
}
