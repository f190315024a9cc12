package dev.agentguard.testing.kube;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Makes a Service resolve to a process on this host, for the API server's calls to a
 * webhook that runs as a local process: an EndpointSlice (labelled with the Service's name)
 * at this host's non-loopback address, which is what the API server connects to
 * ({@code --enable-aggregator-routing}; it refuses loopback endpoints). The caller deletes
 * the slice by the name it gave.
 */
public final class HostEndpoint {

    private HostEndpoint() {
    }

    /** @param portName the Service port's name (its targetPort resolves through it) */
    public static void expose(KubernetesClient client, String namespace, String service, String sliceName,
            String portName, int port) {
        client.discovery().v1().endpointSlices().inNamespace(namespace).resource(new EndpointSliceBuilder()
                .withNewMetadata().withName(sliceName)
                .addToLabels("kubernetes.io/service-name", service)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "agentguard-tests").endMetadata()
                .withAddressType("IPv4").addNewEndpoint().withAddresses(hostAddress()).withNewConditions()
                .withReady(true).endConditions().endEndpoint().addNewPort().withName(portName).withPort(port)
                .withProtocol("TCP").endPort().build()).serverSideApply();
    }

    /** This host's first non-loopback, non-link-local IPv4 address. */
    public static String hostAddress() {
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (nic.isUp() && !nic.isLoopback()) {
                    for (InetAddress address : nic.inetAddresses().toList()) {
                        if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                            return address.getHostAddress();
                        }
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list this host's network interfaces", e);
        }
        throw new IllegalStateException("a webhook endpoint needs a non-loopback IPv4 address on this host;"
                + " the API server refuses loopback endpoints");
    }
}
