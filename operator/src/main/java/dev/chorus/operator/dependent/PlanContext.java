package dev.chorus.operator.dependent;

import dev.chorus.operator.api.ConfigRefusal;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.topology.ReplicationPlan;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** Hands the reconciler's decision to the dependents it then reconciles (observe → decide → act). */
public final class PlanContext {
    private static final String KEY = "chorus.plan";
    private static final String REFUSED = "chorus.config-refused";

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

    /** The spec.config values nodes refused (status.configRefused as this reconcile left it). */
    public static void putConfigRefused(Context<ReplicaSet> context, java.util.List<ConfigRefusal> refused) {
        context.managedWorkflowAndDependentResourceContext().put(REFUSED, java.util.List.copyOf(refused));
    }

    @SuppressWarnings("unchecked")
    public static java.util.List<ConfigRefusal> configRefused(Context<ReplicaSet> context) {
        return context.managedWorkflowAndDependentResourceContext().get(REFUSED, java.util.List.class)
                .orElse(java.util.List.of());
    }

    public static ReplicationPlan get(Context<ReplicaSet> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, ReplicationPlan.class);
    }
}
