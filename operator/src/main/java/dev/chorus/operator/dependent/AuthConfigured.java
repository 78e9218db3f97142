package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;

/** The auth Secret exists only while spec.auth is set. */
public class AuthConfigured implements Condition<Secret, ReplicaSet> {
    @Override
    public boolean isMet(DependentResource<Secret, ReplicaSet> dependent, ReplicaSet rs, Context<ReplicaSet> context) {
        return rs.getSpec().getAuth() != null;
    }
}
