package dev.agentguard.testing.kube;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The control-plane contract against k3s. Needs a Docker engine; skipped
 * (with that reason) where there is none, as on the project's CI machines.
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sIT extends ControlPlaneContract {

    @Container
    static final K3sCluster K3S = new K3sCluster();

    K3sIT() {
        super(K3S);
    }
}
