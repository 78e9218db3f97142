package dev.chorus.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against a Kubernetes cluster ({@link TestClusters}: the local bed by default, k3s with
 * {@code -Dchorus.e2e.cluster=k3s}) and injects {@link TestCluster}, {@link LocalCluster} or the admin
 * {@code KubernetesClient} into constructors, lifecycle methods and test methods. The cluster is stopped after the
 * class, or after all classes when {@link #shared()} is true.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalKubernetesExtension.class)
public @interface LocalKubernetes {
    /** One cluster for every shared class of the test run (saves start-up time; tests must use own namespaces). */
    boolean shared() default false;
}
