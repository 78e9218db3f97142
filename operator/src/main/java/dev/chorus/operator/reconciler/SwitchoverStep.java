package dev.chorus.operator.reconciler;

import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Switchover;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Switchover to status.targetMaster, or to spec.master when it names another pod: record the target, pause the
 * master's writes, wait until the target has the master's exact offset, record the target as master; the plan then
 * demotes the old master and promotes the target, and {@link #finish} resumes the paused clients. Every step is
 * recorded first and safe to repeat, so an operator restart anywhere converges.
 */
final class SwitchoverStep {
    private static final Logger LOG = Logger.getLogger(SwitchoverStep.class);

    private SwitchoverStep() {
    }

    /** @return whether a switchover is in flight (the reconcile should come back soon) */
    static boolean run(Round r, Set<String> outdated) {
        Progress p = r.progress;
        String target = p.targetMaster != null ? p.targetMaster : r.rs.getSpec().getMaster();
        if (target == null || target.equals(p.master) || p.master == null) {
            return false;
        }
        if (p.targetMaster == null && outdated.contains(target)) {
            return false; // spec.master names a pod a rolling update is about to restart: after it
        }
        var blocker = Switchover.blocker(target, p.master, r.observed);
        if (blocker.isPresent()) {
            // Not started, or started and the target stopped qualifying: nothing was paused that is still paused
            // (a pause never outlives one attempt), so drop the target; spec.master, if it named it, asks again.
            LOG.infof("%s: switchover to %s waits: %s", r.name(), target, blocker.get());
            if (p.targetMaster != null) {
                r.event("Warning", "SwitchoverWaiting", "Switchover to " + target + " waits: " + blocker.get());
                p.targetMaster = null;
            }
            return false;
        }
        if (p.targetMaster == null) {
            p.targetMaster = target;
            p.phase = "SwitchingOver";
            r.record();
            r.event("Normal", "SwitchingOver", "Switching the master over from " + p.master + " to " + target);
        }
        p.phase = "SwitchingOver";
        NodeState master = r.node(p.master);
        NodeState t = r.node(target);
        try {
            r.nodes.pauseWrites(master.ip(), r.port, Switchover.PAUSE_MILLIS);
            long masterOffset = r.nodes.observe(master.pod(), master.ordinal(), master.ip(), r.port, true).offset();
            long deadline = System.currentTimeMillis() + Switchover.CATCH_UP_MILLIS;
            long targetOffset = -1;
            while (System.currentTimeMillis() < deadline) {
                targetOffset = r.nodes.observe(t.pod(), t.ordinal(), t.ip(), r.port, true).offset();
                if (Switchover.caughtUp(targetOffset, masterOffset)) {
                    break;
                }
                Thread.sleep(20); // production polling of a node, not a test: the pause bounds the whole wait
            }
            if (!Switchover.caughtUp(targetOffset, masterOffset)) {
                r.nodes.unpause(master.ip(), r.port);
                LOG.infof("%s: %s reached offset %d of the master's %d", r.name(), target, targetOffset, masterOffset);
                r.event("Warning", "SwitchoverDelayed", target + " did not reach the master's offset within "
                        + Switchover.CATCH_UP_MILLIS + " ms with writes paused; writes resumed, trying again");
                return true;
            }
            p.master = target;
            r.record();
            r.event("Normal", "CaughtUp", target + " has the master's offset " + masterOffset
                    + " with writes paused; promoting it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("%s: switchover to %s: %s", r.name(), target, e.getMessage());
            r.event("Warning", "SwitchoverDelayed", "Switchover to " + target + " failed a step: " + e.getMessage());
            unpauseQuietly(r, master);
        }
        return true;
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
                unpauseQuietly(r, n);
            }
        }
        p.targetMaster = null;
        p.phase = null;
        r.event("Normal", "SwitchedOver", planMaster + " is the master");
    }

    private static void unpauseQuietly(Round r, NodeState n) {
        try {
            r.nodes.unpause(n.ip(), r.port);
        } catch (RuntimeException e) {
            LOG.warnf("%s: could not unpause %s: %s", r.name(), n.pod(), e.getMessage());
        }
    }
}
