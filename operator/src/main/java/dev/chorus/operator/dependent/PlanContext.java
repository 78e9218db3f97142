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

    /**
     * How many pods the StatefulSet keeps: spec.replicas, but never fewer than the master's ordinal + 1, so a
     * scale-down never removes the master (it waits for a switchover to a lower ordinal).
     */
    public static int podCount(ReplicaSet rs, ReplicationPlan plan) {
        int floor = plan.master() == null ? 0 : Names.ordinal(rs, plan.master()) + 1;
        return Math.max(rs.getSpec().getReplicas(), floor);
    }

    public static ReplicationPlan get(Context<ReplicaSet> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, ReplicationPlan.class);
    }
}
