package dev.chorus.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chorus.operator.api.StepAttempt;
import dev.chorus.operator.nodeclient.Observation;
import dev.chorus.operator.reconciler.StepTransition.Abandon;
import dev.chorus.operator.reconciler.StepTransition.Elect;
import dev.chorus.operator.reconciler.StepTransition.StartAttempt;
import dev.chorus.operator.reconciler.StepTransition.Target;
import dev.chorus.operator.topology.NodeState;
import dev.chorus.operator.topology.Role;
import dev.chorus.operator.topology.Switchover;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SwitchoverStepTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static NodeState master(long offset) {
        return new NodeState("rs-0", 0, "10.0.0.1", true, Role.MASTER, null, 0, false, offset, "id", 10);
    }

    private static NodeState replica(String pod, int ordinal, long offset) {
        return new NodeState(pod, ordinal, "10.0.0." + (ordinal + 1), true, Role.REPLICA, "10.0.0.1", 6379, true,
                offset, "id", 10);
    }

    private static Observation seen(long millis, NodeState... nodes) {
        Map<String, Instant> at = new HashMap<>();
        for (NodeState n : nodes) {
            at.put(n.pod(), T0.plusMillis(millis));
        }
        return new Observation(List.of(nodes), at);
    }

    private static Progress catchingUp(long pausedOffset) {
        Progress p = new Progress();
        p.master = "rs-0";
        p.targetMaster = "rs-1";
        p.attempt = new StepAttempt(StepAttempt.CATCH_UP, T0.toString(), "rs-0", pausedOffset);
        return p;
    }

    @Test
    void nothingAskedNothingToDo() {
        Progress p = new Progress();
        p.master = "rs-0";
        var d = SwitchoverStep.decide(seen(0, master(10), replica("rs-1", 1, 10)), p, T0, null, Set.of());
        assertThat(d.busy()).isFalse();
        assertThat(d.transitions()).isEmpty();
        assertThat(SwitchoverStep.decide(seen(0, master(10)), p, T0, "rs-0", Set.of()).busy()).isFalse();
    }

    @Test
    void specMasterRecordsTheTargetAndPausesTheMaster() {
        Progress p = new Progress();
        p.master = "rs-0";
        var d = SwitchoverStep.decide(seen(0, master(10), replica("rs-1", 1, 10)), p, T0, "rs-1", Set.of());
        assertThat(d.busy()).isTrue();
        assertThat(d.transitions()).filteredOn(t -> t instanceof Target).singleElement()
                .satisfies(t -> assertThat(((Target) t).pod()).isEqualTo("rs-1"));
        assertThat(d.transitions()).contains(new StartAttempt(StepAttempt.CATCH_UP, "rs-0"));
        assertThat(p.targetMaster).as("decide is pure").isNull();
    }

    @Test
    void aTargetARollingUpdateWillRestartWaits() {
        Progress p = new Progress();
        p.master = "rs-0";
        var d = SwitchoverStep.decide(seen(0, master(10), replica("rs-1", 1, 10)), p, T0, "rs-1", Set.of("rs-1"));
        assertThat(d.busy()).isFalse();
        assertThat(d.transitions()).isEmpty();
    }

    @Test
    void theTargetIsElectedOnceAFreshLookShowsTheExactOffset() {
        Progress p = catchingUp(100);
        var behind = SwitchoverStep.decide(seen(10, master(100), replica("rs-1", 1, 99)), p, T0.plusMillis(20),
                null, Set.of());
        assertThat(behind.busy()).isTrue();
        assertThat(behind.transitions()).noneMatch(t -> t instanceof Elect || t instanceof Abandon);
        var there = SwitchoverStep.decide(seen(30, master(100), replica("rs-1", 1, 100)), p, T0.plusMillis(40),
                null, Set.of());
        assertThat(there.transitions()).filteredOn(t -> t instanceof Elect).singleElement()
                .satisfies(t -> assertThat(((Elect) t).pod()).isEqualTo("rs-1"))
                .satisfies(t -> assertThat(((Elect) t).failover()).isFalse());
    }

    @Test
    void aLookFromBeforeThePauseDoesNotCount() {
        Map<String, Instant> at = Map.of("rs-0", T0.plusMillis(5), "rs-1", T0.minusMillis(1));
        var d = SwitchoverStep.decide(new Observation(List.of(master(100), replica("rs-1", 1, 100)), at),
                catchingUp(100), T0.plusMillis(10), null, Set.of());
        assertThat(d.transitions()).noneMatch(t -> t instanceof Elect);
    }

    @Test
    void noCatchUpWithinTheWindowResumesWritesAndTriesAgain() {
        var d = SwitchoverStep.decide(seen(3000, master(100), replica("rs-1", 1, 50)), catchingUp(100),
                T0.plusMillis(Switchover.CATCH_UP_MILLIS), null, Set.of());
        assertThat(d.busy()).isTrue();
        assertThat(d.transitions()).filteredOn(t -> t instanceof Abandon).singleElement()
                .satisfies(t -> assertThat(((Abandon) t).unpausePod()).isEqualTo("rs-0"));
        assertThat(d.transitions()).noneMatch(t -> t instanceof Elect);
    }

    @Test
    void aMasterThatMovedPastThePausedOffsetIsNeverSwitchedFrom() {
        var d = SwitchoverStep.decide(seen(10, master(130), replica("rs-1", 1, 130)), catchingUp(100),
                T0.plusMillis(20), null, Set.of());
        assertThat(d.transitions()).noneMatch(t -> t instanceof Elect);
        assertThat(d.transitions()).anyMatch(t -> t instanceof Abandon);
    }

    @Test
    void aPauseThatFailedIsStartedOver() {
        Progress p = catchingUp(100);
        p.attempt = new StepAttempt(StepAttempt.CATCH_UP, T0.toString(), null, null);
        var d = SwitchoverStep.decide(seen(10, master(100), replica("rs-1", 1, 100)), p, T0.plusMillis(20), null,
                Set.of());
        assertThat(d.transitions()).anyMatch(t -> t instanceof Abandon);
        assertThat(d.transitions()).noneMatch(t -> t instanceof Elect);
    }

    @Test
    void aTargetThatStopsQualifyingResumesWritesAndIsDropped() {
        NodeState unready = new NodeState("rs-1", 1, "10.0.0.2", false, Role.REPLICA, "10.0.0.1", 6379, true, 100,
                "id", 10);
        var d = SwitchoverStep.decide(seen(10, master(100), unready), catchingUp(100), T0.plusMillis(20), null,
                Set.of());
        assertThat(d.busy()).isFalse();
        assertThat(d.transitions()).filteredOn(t -> t instanceof Abandon).singleElement()
                .satisfies(t -> assertThat(((Abandon) t).unpausePod()).isEqualTo("rs-0"));
        assertThat(d.transitions()).filteredOn(t -> t instanceof Target).singleElement()
                .satisfies(t -> assertThat(((Target) t).pod()).isNull());
    }
}
