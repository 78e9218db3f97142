package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.StepAttempt;
import dev.chorus.operator.nodeclient.Observation;
import dev.chorus.operator.reconciler.StepTransition.Abandon;
import dev.chorus.operator.reconciler.StepTransition.Decision;
import dev.chorus.operator.reconciler.StepTransition.Elect;
import dev.chorus.operator.reconciler.StepTransition.Phase;
import dev.chorus.operator.reconciler.StepTransition.StartAttempt;
import dev.chorus.operator.reconciler.StepTransition.Target;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Switchover;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Switchover to status.targetMaster, or to spec.master when it names another pod: record the target, pause the
 * master's writes and record the paused offset (a catch-up attempt, in status), and let later reconciles judge from
 * fresh observations whether the target has the master's exact offset; then record the target as master. The plan
 * then demotes the old master and promotes the target, and {@link #finish} resumes the paused clients. An attempt
 * that does not catch up within {@link Switchover#CATCH_UP_MILLIS} resumes writes and is tried again. Every step is
 * recorded first and safe to repeat, so an operator restart anywhere converges.
 */
final class SwitchoverStep {
    private static final Logger LOG = Logger.getLogger(SwitchoverStep.class);

    private SwitchoverStep() {
    }

    /** Pure: the next move of a switchover, if one is asked for. */
    static Decision decide(Observation obs, Progress p, Instant now, String specMaster, Set<String> outdated) {
        String target = p.targetMaster != null ? p.targetMaster : specMaster;
        StepAttempt attempt = p.attempt != null && StepAttempt.CATCH_UP.equals(p.attempt.getStep()) ? p.attempt
                : null;
        List<StepTransition> out = new ArrayList<>();
        if (target == null || target.equals(p.master) || p.master == null) {
            if (attempt != null) {
                out.add(new Abandon(attempt.getPausedPod(), null, null, null));
            }
            return Decision.idle(out);
        }
        if (p.targetMaster == null && outdated.contains(target)) {
            return Decision.idle(out); // spec.master names a pod a rolling update is about to restart: after it
        }
        var blocker = Switchover.blocker(target, p.master, obs.nodes());
        if (blocker.isPresent()) {
            // Not started, or started and the target stopped qualifying: resume what this attempt paused and drop the
            // target; spec.master, if it named it, asks again.
            if (attempt != null) {
                out.add(new Abandon(attempt.getPausedPod(), null, null, null));
            }
            if (p.targetMaster != null) {
                out.add(new Target(null, "Warning", "SwitchoverWaiting", "Switchover to " + target + " waits: "
                        + blocker.get()));
            }
            return Decision.idle(out);
        }
        out.add(new Phase("SwitchingOver"));
        if (p.targetMaster == null) {
            out.add(new Target(target, "Normal", "SwitchingOver", "Switching the master over from " + p.master
                    + " to " + target));
        }
        if (attempt == null) {
            out.add(new StartAttempt(StepAttempt.CATCH_UP, p.master));
            return Decision.busy(out, Duration.ofMillis(20));
        }
        Instant started = Instant.parse(attempt.getStartedAt());
        long elapsed = Duration.between(started, now).toMillis();
        Long paused = attempt.getPausedOffset();
        NodeState master = obs.node(p.master);
        NodeState t = obs.node(target);
        boolean masterFresh = !obs.polledAt(p.master).isBefore(started);
        if (paused == null || paused < 0 || !p.master.equals(attempt.getPausedPod())
                || masterFresh && master.offset() > paused) {
            // not paused, or the pause did not hold (the master moved past the paused offset): start over
            out.add(new Abandon(attempt.getPausedPod(), "Warning", "SwitchoverDelayed", "Switchover to " + target
                    + ": the master's writes were not held at one offset; writes resumed, trying again"));
            return Decision.busy(out, ReplicaSetReconciler.SOON);
        }
        if (elapsed >= Switchover.CATCH_UP_MILLIS) {
            out.add(new Abandon(p.master, "Warning", "SwitchoverDelayed", target + " did not reach the master's "
                    + "offset " + paused + " within " + Switchover.CATCH_UP_MILLIS + " ms with writes paused (at "
                    + t.offset() + "); writes resumed, trying again"));
            return Decision.busy(out, ReplicaSetReconciler.SOON);
        }
        if (!obs.polledAt(target).isBefore(started) && Switchover.caughtUp(t.offset(), paused)) {
            out.add(new Elect(target, false, "Normal", "CaughtUp", target + " has the master's offset " + paused
                    + " with writes paused; promoting it"));
            return Decision.busy(out, ReplicaSetReconciler.SOON);
        }
        out.add(new StepTransition.Look()); // the target is behind or its look predates the pause: look again now
        return Decision.busy(out, Duration.ofMillis(20));
    }

    /** Decides and applies; @return whether a switchover is in flight (the reconcile should come back soon). */
    static Decision run(Round r, StepExecutor executor, Set<String> outdated) {
        Decision d = decide(r.observation, r.progress, executor.now(), r.rs.getSpec().getMaster(), outdated);
        for (StepTransition t : d.transitions()) {
            if (t instanceof Target target && target.pod() == null) {
                LOG.infof("%s: %s", r.name(), target.message());
            }
        }
        executor.apply(r, d.transitions());
        return d;
    }

    /** Once the target is the master: resume clients paused on the old master and clear the target. */
    static void finish(Round r, String planMaster) {
        Progress p = r.progress;
        if (p.targetMaster == null || !p.targetMaster.equals(planMaster)) {
            return;
        }
        NodeState m = r.node(planMaster);
        for (NodeState n : r.observed) {
            if (n != m && n.reachable()) {
                StepExecutor.unpauseQuietly(r, n);
            }
        }
        p.targetMaster = null;
        p.phase = null;
        r.event("Normal", "SwitchedOver", planMaster + " is the master");
    }
}
