package dev.chorus.operator.reconciler;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the operator ({@link OperatorHarness}: the manifests' CRD and RBAC, the reconciler as the operator's
 * ServiceAccount) for the whole test class, on the class's {@code @LocalKubernetes} cluster, and stops it after the
 * class. Tests that restart the operator take the {@link OperatorHarness} as a parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(OperatorExtension.class)
public @interface WithOperator {
}
