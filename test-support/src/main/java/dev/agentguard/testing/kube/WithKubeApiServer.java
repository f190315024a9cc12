package dev.agentguard.testing.kube;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against the real control plane of this test run
 * ({@link KubeApiServer#shared()}), started once for all classes. Test methods,
 * constructors and lifecycle methods may declare {@link KubeCluster},
 * {@link KubeApiServer} or a fabric8 {@code KubernetesClient} (the admin) as parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KubeApiServerExtension.class)
public @interface WithKubeApiServer {
}
