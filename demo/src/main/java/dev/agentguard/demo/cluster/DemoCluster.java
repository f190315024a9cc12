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

    /** The pids of the processes this cluster runs for the demo (none for an existing cluster). */
    List<Long> pids();

    /** Stops what the demo started for this cluster. */
    @Override
    void close();
}
