package dev.chorus.operator.reconciler;

import dev.chorus.operator.dependent.NodeConfig;
import dev.chorus.operator.topology.FailoverPolicy;
import dev.chorus.operator.topology.IsolationFence;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Switchover;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Automated failover: tracks since when the recorded master fails (in status, so the clock survives an operator
 * restart) and, when {@link FailoverPolicy} says so, records the new master before anything is told to the nodes.
 * The plan that follows fences the old master (out of the write Service, demoted when it answers), promotes the new
 * one and re-points the others, which continue with a partial resync.
 */
final class FailoverStep {
    private static final Logger LOG = Logger.getLogger(FailoverStep.class);
    /** With the old master gone: how long replicas get to process bytes it sent just before. */
    private static final long SETTLE_MILLIS = 200;
    private static final long SETTLE_POLL_MILLIS = 50;

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
        NodeState candidate = settle(r, old).orElse(r.node(decision.get().newMaster()));
        p.master = candidate.pod();
        p.masterFailingSince = null;
        p.targetMaster = null;
        p.phase = "FailingOver";
        r.record();
        r.event("Warning", "FailingOver", decision.get().reason().replace("promoting " + decision.get().newMaster()
                + " at offset " + decision.get().candidateOffset(), "promoting " + candidate.pod() + " at offset "
                + candidate.offset()) + " (was " + old + ")");
        return false;
    }

    /**
     * Before the candidate is chosen for good: an old master that still answers has its writes paused (it may be on
     * its way out, or not Ready yet serving), and the replicas are given the time to receive what it sent; then every
     * node is observed again. Otherwise a write that reached a replica after the first look, and was acknowledged by
     * it, could be on another replica than the one promoted, and lost in its resync.
     *
     * @return the most advanced candidate from the fresh observations
     */
    private static Optional<NodeState> settle(Round r, String oldMaster) {
        NodeState old = r.node(oldMaster);
        long oldOffset = -1;
        if (old != null && old.reachable()) {
            try {
                r.nodes.pauseWrites(old.ip(), r.port, Switchover.PAUSE_MILLIS);
                r.fenced = old;
                oldOffset = r.nodes.observe(old.pod(), old.ordinal(), old.ip(), r.port, false).offset();
            } catch (RuntimeException e) {
                LOG.warnf("%s: could not pause the old master %s: %s", r.name(), oldMaster, e.getMessage());
            }
        }
        long deadline = System.currentTimeMillis() + (oldOffset >= 0 ? Switchover.CATCH_UP_MILLIS : SETTLE_MILLIS);
        Optional<NodeState> best;
        do {
            r.reobserve(oldMaster);
            best = FailoverPolicy.candidate(oldMaster, r.observed);
            if (best.isPresent() && best.get().offset() >= oldOffset && oldOffset >= 0) {
                break;
            }
            sleep(SETTLE_POLL_MILLIS);
        } while (System.currentTimeMillis() < deadline);
        return best;
    }

    /** Resumes the clients paused on the old master, which the plan has demoted by now (their writes: READONLY). */
    static void finish(Round r) {
        if (r.fenced != null) {
            try {
                r.nodes.unpause(r.fenced.ip(), r.port);
            } catch (RuntimeException e) {
                LOG.warnf("%s: could not unpause %s: %s", r.name(), r.fenced.pod(), e.getMessage());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis); // production polling of nodes during a failover, not a test
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
