package dev.agentguard.demo.cluster;

import java.nio.file.Path;
import java.util.List;

import dev.agentguard.testing.kube.KubeCluster;

/**
 * The cluster the demo installs agentguard into: the local control plane it starts, or one
 * the user names with KUBECONFIG.
 */
public interface DemoCluster extends KubeCluster, AutoCloseable {

    /** A kubeconfig file of the cluster admin, for helm and kubectl. */
    Path adminKubeconfig();

    /** The node the demo's pods run on: a kwok node, so no image has to be pulled. */
    String node();

    /** kubectl, with the given kubeconfig. */
    Kubectl kubectl(Path kubeconfig);

    /**
     * The kubeconfig of a human {@code user} in {@code group}, and the flags (if any) that make a
     * client act as that user: the local control plane issues the user a client certificate; in an
     * existing cluster the admin impersonates them (--as, --as-group).
     */
    Person person(String user, String group);

    /** Someone with a kubeconfig, and the flags that make kubectl and its plugins act as them. */
    record Person(String user, Path kubeconfig, List<String> flags) {
    }

    /** The pids of the processes this cluster runs for the demo (none for an existing cluster). */
    List<Long> pids();

    /** Stops what the demo started for this cluster. */
    @Override
    void close();
}
