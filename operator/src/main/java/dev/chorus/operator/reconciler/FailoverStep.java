package dev.chorus.operator.reconciler;

import dev.chorus.operator.dependent.NodeConfig;
import dev.chorus.operator.topology.FailoverPolicy;
import dev.chorus.operator.topology.IsolationFence;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Automated failover: tracks since when the recorded master fails (in status, so the clock survives an operator
 * restart) and, when {@link FailoverPolicy} says so, records the new master before anything is told to the nodes.
 * The plan that follows fences the old master (out of the write Service, demoted when it answers), promotes the new
 * one and re-points the others, which continue with a partial resync.
 */
final class FailoverStep {
    private FailoverStep() {
    }

    /** @return whether the master is failing and not yet replaced (the reconcile should come back soon) */
    static boolean run(Round r) {
        Progress p = r.progress;
        if (p.master == null) {
            return false;
        }
        Instant now = Instant.now();
        boolean failing = FailoverPolicy.failing(r.node(p.master));
        String since = failing ? Optional.ofNullable(p.masterFailingSince)
                .orElse(now.truncatedTo(ChronoUnit.MILLIS).toString()) : null;
        p.masterFailingSince = since;
        long failingMillis = since == null ? 0 : Math.max(0, Duration.between(Instant.parse(since), now).toMillis());
        var spec = r.rs.getSpec();
        Duration wait = IsolationFence.failoverWait(spec.getFailover().getTimeoutSeconds(),
                IsolationFence.lagSeconds(NodeConfig.runtimeDirectives(r.rs)));
        boolean enabled = Boolean.TRUE.equals(spec.getFailover().getEnabled());
        boolean processGone = !Boolean.TRUE.equals(spec.getPersistence().getEnabled())
                && ReplicaSetReconciler.PodFacts.processGone(r.pod(p.master));
        var decision = FailoverPolicy.decide(p.master, r.observed, failingMillis, wait.toMillis(), enabled,
                processGone);
        if (decision.isEmpty()) {
            if (failing && enabled) {
                p.phase = "FailingOver";
            }
            return failing;
        }
        String old = p.master;
        p.master = decision.get().newMaster();
        p.masterFailingSince = null;
        p.targetMaster = null;
        p.phase = "FailingOver";
        r.record();
        r.event("Warning", "FailingOver", decision.get().reason() + " (was " + old + ")");
        return false;
    }
}
