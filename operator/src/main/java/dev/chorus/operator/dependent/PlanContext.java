package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.topology.ReplicationPlan;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** Hands the reconciler's decision to the dependents it then reconciles (observe → decide → act). */
public final class PlanContext {
    private static final String KEY = "chorus.plan";

    private PlanContext() {
    }

    public static void put(Context<ReplicaSet> context, ReplicationPlan plan) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, plan);
    }

    public static ReplicationPlan get(Context<ReplicaSet> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, ReplicationPlan.class);
    }
}
