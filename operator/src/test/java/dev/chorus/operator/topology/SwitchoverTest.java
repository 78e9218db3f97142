package dev.chorus.operator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchoverTest {
    private static final NodeState MASTER = new NodeState("rs-0", 0, "10.0.0.1", true, Role.MASTER, null, 0, false,
            100, "id", 10);

    private static NodeState replica(String pod, int ordinal, boolean ready, boolean linkUp) {
        return new NodeState(pod, ordinal, "10.0.0." + (ordinal + 1), ready, Role.REPLICA, "10.0.0.1", 6379, linkUp,
                90, "id", 10);
    }

    @Test
    void aReadyLinkedReplicaCanTakeOver() {
        assertThat(Switchover.blocker("rs-1", "rs-0", List.of(MASTER, replica("rs-1", 1, true, true)))).isEmpty();
    }

    @Test
    void noSwitchoverToAMissingLaggingOrUnreadyNodeNorFromAFailingMaster() {
        assertThat(Switchover.blocker("rs-7", "rs-0", List.of(MASTER))).hasValueSatisfying(
                m -> assertThat(m).contains("not a pod"));
        assertThat(Switchover.blocker("rs-1", "rs-0", List.of(MASTER, replica("rs-1", 1, true, false))))
                .hasValueSatisfying(m -> assertThat(m).contains("not a ready replica"));
        assertThat(Switchover.blocker("rs-1", "rs-0", List.of(MASTER, replica("rs-1", 1, false, true))))
                .isPresent();
        NodeState down = NodeState.unreachable("rs-0", 0, "10.0.0.1", false);
        assertThat(Switchover.blocker("rs-1", "rs-0", List.of(down, replica("rs-1", 1, true, true))))
                .hasValueSatisfying(m -> assertThat(m).contains("failover"));
    }

    @Test
    void caughtUpMeansTheMastersExactOffsetOrMore() {
        assertThat(Switchover.caughtUp(99, 100)).isFalse();
        assertThat(Switchover.caughtUp(100, 100)).isTrue();
    }
}
