package dev.agentguard.testing.kube;

/** The control-plane contract against the local kube-apiserver built from source. */
@WithKubeApiServer
class KubeApiServerIT extends ControlPlaneContract {

    KubeApiServerIT(KubeCluster cluster) {
        super(cluster);
    }
}
