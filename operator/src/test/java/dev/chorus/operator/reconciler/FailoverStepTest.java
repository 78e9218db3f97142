package dev.chorus.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.operator.api.StepAttempt;
import dev.chorus.operator.nodeclient.Observation;
import dev.chorus.operator.reconciler.StepTransition.Elect;
import dev.chorus.operator.reconciler.StepTransition.FailingSince;
import dev.chorus.operator.reconciler.StepTransition.StartAttempt;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Role;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailoverStepTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final FailoverStep.Settings KILLED = new FailoverStep.Settings(10_000, true, true);
    private static final FailoverStep.Settings WAITING = new FailoverStep.Settings(10_000, true, false);

    private static NodeState master(long offset, boolean ready) {
        return new NodeState("rs-0", 0, "10.0.0.1", ready, Role.MASTER, null, 0, false, offset, "id", 10);
    }

    private static NodeState replica(String pod, int ordinal, long offset) {
        return new NodeState(pod, ordinal, "10.0.0." + (ordinal + 1), true, Role.REPLICA, "10.0.0.1", 6379, true,
                offset, "id", 10);
    }

    private static final NodeState DEAD = NodeState.unreachable("rs-0", 0, "10.0.0.1", false);

    /** Every node looked at {@code millis} after T0. */
    private static Observation seen(long millis, NodeState... nodes) {
        Map<String, Instant> at = new HashMap<>();
        for (NodeState n : nodes) {
            at.put(n.pod(), T0.plusMillis(millis));
        }
        return new Observation(List.of(nodes), at);
    }

    private static Progress recorded(String master) {
        Progress p = new Progress();
        p.master = master;
        return p;
    }

    private static Progress settling(Long pausedOffset) {
        Progress p = recorded("rs-0");
        p.masterFailingSince = T0.minusSeconds(1).toString();
        p.attempt = new StepAttempt(StepAttempt.SETTLE, T0.toString(), pausedOffset == null ? null : "rs-0",
                pausedOffset);
        return p;
    }

    @Test
    void aHealthyMasterClearsTheClockAndIsNotBusy() {
        Progress p = recorded("rs-0");
        p.masterFailingSince = T0.toString();
        var d = FailoverStep.decide(seen(0, master(100, true), replica("rs-1", 1, 100)), p, T0, WAITING);
        assertThat(d.busy()).isFalse();
        assertThat(d.transitions()).contains(new FailingSince(null));
        assertThat(p.masterFailingSince).as("decide is pure").isEqualTo(T0.toString());
    }

    @Test
    void aFailingMasterStartsTheClockAndWaitsForTheTimeout() {
        var d = FailoverStep.decide(seen(0, DEAD, replica("rs-1", 1, 100)), recorded("rs-0"), T0, WAITING);
        assertThat(d.busy()).isTrue();
        assertThat(d.transitions()).contains(new FailingSince(T0.toString()));
        assertThat(d.transitions()).noneMatch(t -> t instanceof StartAttempt);
    }

    @Test
    void aKilledMasterStartsASettleWithNothingToPause() {
        var d = FailoverStep.decide(seen(0, DEAD, replica("rs-1", 1, 100), replica("rs-2", 2, 90)),
                recorded("rs-0"), T0, KILLED);
        assertThat(d.busy()).isTrue();
        assertThat(d.transitions()).contains(new StartAttempt(StepAttempt.SETTLE, null));
        assertThat(d.transitions()).noneMatch(t -> t instanceof Elect);
        assertThat(d.recheck().toMillis()).as("nothing to judge before the settle time")
                .isGreaterThanOrEqualTo(FailoverStep.SETTLE_MILLIS);
    }

    @Test
    void anAnsweringOldMasterIsPausedFirst() {
        Progress p = recorded("rs-0");
        p.masterFailingSince = T0.minusSeconds(20).toString();
        var d = FailoverStep.decide(seen(0, master(100, false), replica("rs-1", 1, 100)), p, T0, WAITING);
        assertThat(d.transitions()).contains(new StartAttempt(StepAttempt.SETTLE, "rs-0"));
    }

    @Test
    void withNothingPausedTheSuccessorComesFromALookStartedAfterTheSettleTime() {
        Progress p = settling(null);
        // a look from before the settle time is not enough, even once the time has passed
        var early = FailoverStep.decide(seen(150, DEAD, replica("rs-1", 1, 90), replica("rs-2", 2, 100)), p,
                T0.plusMillis(250), KILLED);
        assertThat(early.busy()).isTrue();
        assertThat(early.transitions()).noneMatch(t -> t instanceof Elect);
        assertThat(early.transitions()).as("asks for a look now").contains(new StepTransition.Look());
        // time not up yet, fresh look or not
        var soon = FailoverStep.decide(seen(100, DEAD, replica("rs-1", 1, 90), replica("rs-2", 2, 100)), p,
                T0.plusMillis(100), KILLED);
        assertThat(soon.transitions()).noneMatch(t -> t instanceof Elect);
        // the fresh look shows rs-2 ahead
        var done = FailoverStep.decide(seen(200, DEAD, replica("rs-1", 1, 90), replica("rs-2", 2, 100)), p,
                T0.plusMillis(210), KILLED);
        assertThat(done.transitions()).filteredOn(t -> t instanceof Elect).singleElement()
                .satisfies(t -> assertThat(((Elect) t).pod()).isEqualTo("rs-2"))
                .satisfies(t -> assertThat(((Elect) t).failover()).isTrue());
    }

    @Test
    void withTheOldMasterPausedAReplicaWithItsOffsetIsChosenAtOnce() {
        Progress p = settling(120L);
        var behind = FailoverStep.decide(seen(10, master(120, false), replica("rs-1", 1, 110),
                replica("rs-2", 2, 100)), p, T0.plusMillis(20), WAITING);
        assertThat(behind.transitions()).noneMatch(t -> t instanceof Elect);
        var caughtUp = FailoverStep.decide(seen(30, master(120, false), replica("rs-1", 1, 110),
                replica("rs-2", 2, 120)), p, T0.plusMillis(40), WAITING);
        assertThat(caughtUp.transitions()).filteredOn(t -> t instanceof Elect).singleElement()
                .satisfies(t -> assertThat(((Elect) t).pod()).isEqualTo("rs-2"));
    }

    @Test
    void aLookFromBeforeThePauseIsNeverTheJudge() {
        Map<String, Instant> at = new HashMap<>(Map.of("rs-0", T0.plusMillis(5), "rs-1", T0.minusMillis(1),
                "rs-2", T0.plusMillis(5)));
        Observation obs = new Observation(List.of(master(120, false), replica("rs-1", 1, 120),
                replica("rs-2", 2, 100)), at);
        var d = FailoverStep.decide(obs, settling(120L), T0.plusMillis(10), WAITING);
        assertThat(d.transitions()).noneMatch(t -> t instanceof Elect);
    }

    @Test
    void aNodeWithANewAddressNotLookedAtYetHoldsTheLastLook() {
        Map<String, Instant> at = new HashMap<>(Map.of("rs-0", T0.plusMillis(300), "rs-1", T0.plusMillis(300),
                "rs-2", Instant.MIN));
        Observation obs = new Observation(List.of(DEAD, replica("rs-1", 1, 90),
                NodeState.unreachable("rs-2", 2, "10.0.0.9", true)), at);
        var d = FailoverStep.decide(obs, settling(null), T0.plusMillis(400), KILLED);
        assertThat(d.transitions()).noneMatch(t -> t instanceof Elect);
        // once looked at and found down, the others decide
        at.put("rs-2", T0.plusMillis(300));
        var after = FailoverStep.decide(new Observation(obs.nodes(), at), settling(null), T0.plusMillis(400), KILLED);
        assertThat(after.transitions()).filteredOn(t -> t instanceof Elect).singleElement()
                .satisfies(t -> assertThat(((Elect) t).pod()).isEqualTo("rs-1"));
    }

    @Test
    void aPausedOldMasterNobodyReachesIsReplacedByTheMostAdvancedAfterTheCatchUpWindow() {
        Progress p = settling(500L);
        var d = FailoverStep.decide(seen(3000, master(500, false), replica("rs-1", 1, 480),
                replica("rs-2", 2, 490)), p, T0.plusMillis(3001), WAITING);
        assertThat(d.transitions()).filteredOn(t -> t instanceof Elect).singleElement()
                .satisfies(t -> assertThat(((Elect) t).pod()).isEqualTo("rs-2"));
    }

    @Test
    void noCandidateKeepsTheSettleGoing() {
        Progress p = settling(null);
        var d = FailoverStep.decide(seen(1000, DEAD, NodeState.unreachable("rs-1", 1, "10.0.0.2", false)), p,
                T0.plusMillis(1000), KILLED);
        assertThat(d.busy()).isTrue();
        assertThat(d.transitions()).noneMatch(t -> t instanceof Elect);
    }

    @Test
    void noMasterRecordedNothingToDo() {
        var d = FailoverStep.decide(seen(0, replica("rs-1", 1, 1)), new Progress(), T0, KILLED);
        assertThat(d.busy()).isFalse();
        assertThat(d.transitions()).isEmpty();
    }
}
