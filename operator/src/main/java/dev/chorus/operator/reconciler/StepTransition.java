package dev.chorus.operator.reconciler;

import java.time.Duration;
import java.util.List;

/**
 * What a step's pure {@code decide} asks for; {@link StepExecutor} applies it. Steps that take time (a failover's
 * settle, a switchover's catch-up) never wait inside a reconcile: they start an attempt (recorded in status), return,
 * and a later reconcile judges the attempt from a fresh observation.
 */
sealed interface StepTransition {
    /** status.masterFailingSince (null: the master is healthy). */
    record FailingSince(String since) implements StepTransition {
    }

    /** The phase to report while the step is in flight. */
    record Phase(String phase) implements StepTransition {
    }

    /** Records status.targetMaster (null clears it) at once; the event tells why. */
    record Target(String pod, String eventType, String eventReason, String message) implements StepTransition {
    }

    /**
     * Pauses {@code pausePod}'s writes (null: nothing to pause, or it does not answer) and reads its offset, then
     * records the attempt (its start, the paused pod and offset) in status.
     */
    record StartAttempt(String step, String pausePod) implements StepTransition {
    }

    /**
     * Records {@code pod} as master at once (before anything is told to the nodes); the plan then demotes the old
     * master, promotes this one and re-points the rest. A failover also clears the switchover target and the failing
     * clock; the paused old master is resumed once demoted.
     */
    record Elect(String pod, boolean failover, String eventType, String eventReason, String message)
            implements StepTransition {
    }

    /** Drops the attempt, resuming {@code unpausePod} (null: none). */
    record Abandon(String unpausePod, String eventType, String eventReason, String message)
            implements StepTransition {
    }

    /** Asks the node source for a look at every node now (the step waits for one started after some moment). */
    record Look() implements StepTransition {
    }

    /** Tells the story (a Kubernetes Event). */
    record Event(String type, String reason, String message) implements StepTransition {
    }

    /** The outcome of one decide: transitions in order, whether the step is in flight, when to look again. */
    record Decision(List<StepTransition> transitions, boolean busy, Duration recheck) {
        static Decision idle(List<StepTransition> transitions) {
            return new Decision(List.copyOf(transitions), false, null);
        }

        static Decision busy(List<StepTransition> transitions, Duration recheck) {
            return new Decision(List.copyOf(transitions), true, recheck);
        }
    }
}
