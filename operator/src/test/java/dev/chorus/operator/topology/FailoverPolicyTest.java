package dev.chorus.operator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverPolicyTest {
    private static final long TIMEOUT = 5000;

    private static NodeState replica(String pod, int ordinal, long offset, long keys, int priority) {
        return new NodeState(pod, ordinal, "10.0.0." + ordinal, true, Role.REPLICA, "10.0.0.0", 6379, false, offset,
                "history-a", keys, priority);
    }

    private static NodeState master(String replid, long keys) {
        return new NodeState("rs-0", 0, "10.0.0.0", true, Role.MASTER, null, 0, false, 0, replid, keys, 100);
    }

    @Test
    void anUnreachableMasterIsReplacedByTheMostAdvancedReplicaAfterTheTimeout() {
        List<NodeState> nodes = List.of(NodeState.unreachable("rs-0", 0, "10.0.0.0", false),
                replica("rs-1", 1, 900, 10, 100), replica("rs-2", 2, 1000, 10, 100));
        assertThat(FailoverPolicy.decide("rs-0", nodes, 4999, TIMEOUT, true)).isEmpty();
        var decision = FailoverPolicy.decide("rs-0", nodes, 5000, TIMEOUT, true).orElseThrow();
        assertThat(decision.newMaster()).isEqualTo("rs-2");
        assertThat(decision.candidateOffset()).isEqualTo(1000);
    }

    @Test
    void tiesGoToTheLowestOrdinalAndPriorityZeroIsNeverPromoted() {
        List<NodeState> nodes = List.of(NodeState.unreachable("rs-0", 0, null, false),
                replica("rs-1", 1, 1000, 10, 0), replica("rs-2", 2, 1000, 10, 100), replica("rs-3", 3, 1000, 10, 100));
        assertThat(FailoverPolicy.decide("rs-0", nodes, TIMEOUT, TIMEOUT, true).orElseThrow().newMaster())
                .isEqualTo("rs-2");
    }

    @Test
    void noFailoverWhenDisabledWhenTheMasterIsHealthyOrWithNoCandidate() {
        List<NodeState> down = List.of(NodeState.unreachable("rs-0", 0, null, false), replica("rs-1", 1, 5, 1, 100));
        assertThat(FailoverPolicy.decide("rs-0", down, 60_000, TIMEOUT, false)).isEmpty();
        List<NodeState> healthy = List.of(master("history-a", 10), replica("rs-1", 1, 5, 10, 100));
        assertThat(FailoverPolicy.decide("rs-0", healthy, 60_000, TIMEOUT, true)).isEmpty();
        List<NodeState> onlyPriorityZero = List.of(NodeState.unreachable("rs-0", 0, null, false),
                replica("rs-1", 1, 5, 1, 0));
        assertThat(FailoverPolicy.decide("rs-0", onlyPriorityZero, 60_000, TIMEOUT, true)).isEmpty();
    }

    @Test
    void aMasterThatCameBackEmptyIsReplacedAtOnceSoItNeverWipesItsReplicas() {
        List<NodeState> nodes = List.of(master("history-new", 0), replica("rs-1", 1, 700, 7, 100),
                replica("rs-2", 2, 650, 7, 100));
        var decision = FailoverPolicy.decide("rs-0", nodes, 0, TIMEOUT, true).orElseThrow();
        assertThat(decision.newMaster()).isEqualTo("rs-1");
        assertThat(decision.reason()).contains("restarted without its latest data");
    }

    @Test
    void anEmptyMasterWhoseReplicasAreEmptyTooIsNotAReasonToFailOver() {
        // A fresh ReplicaSet: nobody has data yet.
        List<NodeState> nodes = List.of(master("history-a", 0), replica("rs-1", 1, 0, 0, 100));
        assertThat(FailoverPolicy.decide("rs-0", nodes, 0, TIMEOUT, true)).isEmpty();
    }

    private static NodeState held(long offset, long keys) {
        return new NodeState("rs-0", 0, "10.0.0.0", true, Role.REPLICA, StartupHold.HOST, StartupHold.PORT, false,
                offset, "history-a", keys, 100);
    }

    @Test
    void aMasterBackFromARestartBehindItsReplicasIsReplacedAtOnceAndNeverResumed() {
        // Killed without persistence (empty) or restarted from an older snapshot: a replica has more.
        for (NodeState master : List.of(held(0, 0), held(600, 6))) {
            List<NodeState> nodes = List.of(master, replica("rs-1", 1, 700, 7, 100), replica("rs-2", 2, 650, 7, 100));
            assertThat(FailoverPolicy.mayResume(master, nodes)).isFalse();
            var decision = FailoverPolicy.decide("rs-0", nodes, 0, TIMEOUT, true).orElseThrow();
            assertThat(decision.newMaster()).isEqualTo("rs-1");
            assertThat(decision.reason()).contains("restarted without its latest data");
        }
    }

    @Test
    void aMasterBackFromARestartWithAllItsDataIsResumedNotReplaced() {
        NodeState master = held(700, 7);
        List<NodeState> nodes = List.of(master, replica("rs-1", 1, 700, 7, 100), replica("rs-2", 2, 650, 7, 100));
        assertThat(FailoverPolicy.mayResume(master, nodes)).isTrue();
        assertThat(FailoverPolicy.decide("rs-0", nodes, 0, TIMEOUT, true)).isEmpty();
        // Nobody has any keys (only PINGs moved the replicas' offsets): nothing to lose, resume.
        NodeState empty = held(0, 0);
        assertThat(FailoverPolicy.mayResume(empty, List.of(empty, replica("rs-1", 1, 300, 0, 100)))).isTrue();
    }

    @Test
    void aRepeatedDecisionLandsOnTheNodeAlreadyPromoted() {
        // The operator promoted rs-2, then restarted before its status showed it; rs-2 took writes since.
        NodeState promoted = new NodeState("rs-2", 2, "10.0.0.2", true, Role.MASTER, null, 0, false, 1200, "history-b",
                12, 100);
        List<NodeState> nodes = List.of(NodeState.unreachable("rs-0", 0, "10.0.0.0", false),
                replica("rs-1", 1, 1000, 10, 100), promoted);
        assertThat(FailoverPolicy.decide("rs-0", nodes, TIMEOUT, TIMEOUT, true).orElseThrow().newMaster())
                .isEqualTo("rs-2");
    }

    @Test
    void aMasterWhoseDataIsGoneWithItsProcessIsReplacedWithoutWaitingForTheTimeout() {
        List<NodeState> nodes = List.of(NodeState.unreachable("rs-0", 0, "10.0.0.0", false),
                replica("rs-1", 1, 900, 10, 100), replica("rs-2", 2, 1000, 10, 100));
        assertThat(FailoverPolicy.decide("rs-0", nodes, 0, TIMEOUT, true, false)).isEmpty();
        var decision = FailoverPolicy.decide("rs-0", nodes, 0, TIMEOUT, true, true).orElseThrow();
        assertThat(decision.newMaster()).isEqualTo("rs-2");
        assertThat(decision.reason()).contains("process is gone");
        // A master that answers again is judged on what it holds, not on how it restarted.
        assertThat(FailoverPolicy.decide("rs-0", List.of(master("history-a", 10), replica("rs-1", 1, 0, 10, 100)), 0,
                TIMEOUT, true, true)).isEmpty();
    }
}
