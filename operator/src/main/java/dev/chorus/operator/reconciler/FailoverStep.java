package dev.chorus.operator.reconciler;

import dev.chorus.operator.api.StepAttempt;
import dev.chorus.operator.dependent.NodeConfig;
import dev.chorus.operator.nodeclient.Observation;
import dev.chorus.operator.reconciler.StepTransition.Decision;
import dev.chorus.operator.reconciler.StepTransition.Elect;
import dev.chorus.operator.reconciler.StepTransition.FailingSince;
import dev.chorus.operator.reconciler.StepTransition.Phase;
import dev.chorus.operator.reconciler.StepTransition.StartAttempt;
import dev.chorus.operator.topology.FailoverPolicy;
import dev.chorus.operator.topology.IsolationFence;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Switchover;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Automated failover: tracks since when the recorded master fails (in status, so the clock survives an operator
 * restart) and, when {@link FailoverPolicy} says so, takes a last look before choosing the successor: an old master
 * that still answers has its writes paused (CLIENT PAUSE WRITE) and its offset recorded, and the replicas get the
 * time to receive what it sent. That settle is an attempt recorded in status; later reconciles judge it from fresh
 * observations (looks started after it began) and record the most advanced replica as master before anything is told
 * to the nodes. The plan that follows fences the old master (out of the write Service, demoted when it answers),
 * promotes the new one and re-points the others, which continue with a partial resync.
 */
final class FailoverStep {
    /** With the old master not answering: how long replicas get to process bytes it sent just before. */
    static final long SETTLE_MILLIS = 200;

    private FailoverStep() {
    }

    /** What the failover needs besides the observation and progress. */
    record Settings(long waitMillis, boolean enabled, boolean masterProcessGone) {
    }

    /** Pure: what to do about a failing master now. */
    static Decision decide(Observation obs, Progress p, Instant now, Settings s) {
        if (p.master == null) {
            return Decision.idle(List.of());
        }
        StepAttempt attempt = p.attempt;
        if (attempt != null && StepAttempt.SETTLE.equals(attempt.getStep())) {
            return settle(obs, p.master, attempt, now);
        }
        List<StepTransition> out = new ArrayList<>();
        boolean failing = FailoverPolicy.failing(obs.node(p.master));
        String since = failing ? Optional.ofNullable(p.masterFailingSince)
                .orElse(now.truncatedTo(ChronoUnit.MILLIS).toString()) : null;
        out.add(new FailingSince(since));
        long failingMillis = since == null ? 0 : Math.max(0, Duration.between(Instant.parse(since), now).toMillis());
        var decision = FailoverPolicy.decide(p.master, obs.nodes(), failingMillis, s.waitMillis(), s.enabled(),
                s.masterProcessGone());
        if (decision.isEmpty()) {
            if (failing && s.enabled()) {
                out.add(new Phase("FailingOver"));
            }
            return failing ? Decision.busy(out, ReplicaSetReconciler.SOON) : Decision.idle(out);
        }
        NodeState old = obs.node(p.master);
        out.add(new Phase("FailingOver"));
        String pause = old != null && old.reachable() ? old.pod() : null;
        out.add(new StartAttempt(StepAttempt.SETTLE, pause));
        out.add(new StepTransition.Event("Warning", "FailingOver", decision.get().reason()
                .replaceFirst("; promoting .*$", "") + "; taking a last look before choosing the successor"));
        return Decision.busy(out, Duration.ofMillis(pause != null ? 20 : SETTLE_MILLIS + 25));
    }

    /**
     * The last look: with the old master paused, the most advanced replica once it has the paused offset (or after
     * {@link Switchover#CATCH_UP_MILLIS}, the most advanced one then); with the old master silent, the most advanced
     * replica in a look started {@link #SETTLE_MILLIS} after the attempt began. Only looks started after the attempt
     * began count (every reachable node but the old master must have one).
     */
    private static Decision settle(Observation obs, String oldMaster, StepAttempt a, Instant now) {
        Instant started = Instant.parse(a.getStartedAt());
        long elapsed = Duration.between(started, now).toMillis();
        boolean paused = a.getPausedOffset() != null && a.getPausedOffset() >= 0;
        long window = paused ? Switchover.CATCH_UP_MILLIS : SETTLE_MILLIS;
        Optional<NodeState> best = FailoverPolicy.candidate(oldMaster, obs.nodes());
        if (best.isPresent() && freshSince(obs, oldMaster, started)) {
            NodeState c = best.get();
            boolean caughtUp = paused && c.offset() >= a.getPausedOffset();
            boolean settled = elapsed >= window && freshSince(obs, oldMaster, started.plusMillis(window));
            if (caughtUp || settled) {
                String how = caughtUp ? "it has the paused old master's offset " + a.getPausedOffset()
                        : paused ? "the old master's offset " + a.getPausedOffset() + " was not reached within "
                        + window + " ms" : "the old master did not answer; replicas had " + window + " ms to settle";
                return Decision.busy(List.of(new Phase("FailingOver"), new Elect(c.pod(), true, "Warning",
                        "FailingOver", "Promoting " + c.pod() + " at offset " + c.offset() + " (was " + oldMaster
                        + "): the most advanced replica in a fresh look; " + how)), ReplicaSetReconciler.SOON);
            }
        }
        // Keep the looks coming (the source looks every 20 ms while asked). With the old master paused a replica may
        // reach its offset any moment; without, nothing can be decided before the window ends and a look after it.
        long left = Math.max(0, window - elapsed);
        long recheck = paused || left == 0 ? 20 : left + 25;
        return Decision.busy(List.of(new Phase("FailingOver"), new StepTransition.Look()), Duration.ofMillis(recheck));
    }

    /**
     * Every node but the old master that is reachable, or has an address not looked at yet (it could be the most
     * advanced), was last looked at after {@code since}.
     */
    private static boolean freshSince(Observation obs, String oldMaster, Instant since) {
        return obs.nodes().stream().filter(n -> !n.pod().equals(oldMaster)
                        && (n.reachable() || obs.neverLookedAt(n.pod())))
                .allMatch(n -> !obs.polledAt(n.pod()).isBefore(since));
    }

    /** Decides and applies; @return the decision (busy: come back soon). */
    static Decision run(Round r, StepExecutor executor) {
        Progress p = r.progress;
        var spec = r.rs.getSpec();
        Duration wait = IsolationFence.failoverWait(spec.getFailover().getTimeoutSeconds(),
                IsolationFence.lagSeconds(NodeConfig.runtimeDirectives(r.rs)));
        boolean enabled = Boolean.TRUE.equals(spec.getFailover().getEnabled());
        boolean processGone = p.master != null && !Boolean.TRUE.equals(spec.getPersistence().getEnabled())
                && ReplicaSetReconciler.PodFacts.processGone(r.pod(p.master));
        Decision d = decide(r.observation, p, executor.now(), new Settings(wait.toMillis(), enabled, processGone));
        executor.apply(r, d.transitions());
        return d;
    }

    /** Resumes the clients paused on the old master, which the plan has demoted by now (their writes: READONLY). */
    static void finish(Round r) {
        if (r.fenced != null) {
            StepExecutor.unpauseQuietly(r, r.fenced);
        }
    }
}
